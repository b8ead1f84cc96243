package dev.switchboard.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.switchboard.events.notification.EmailSent;
import dev.switchboard.platform.events.EventSerde;
import dev.switchboard.schemas.Topic;

/**
 * A measurement, not part of {@code ./switchboard test}: solves 200 tickets, one every 50 ms, and reports the
 * solve -> answer mail latency analytics sees ({@code EmailSent.latencyMillis}: from {@code TicketReplied} until
 * the SMTP server accepted the mail). Run it with
 * {@code ./mvnw verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=SolveToMailLatencyIT -Dswitchboard.measure=true}.
 */
@ExtendWith(StackExtension.class)
@EnabledIfSystemProperty(named = "switchboard.measure", matches = "true")
class SolveToMailLatencyIT {

    private static final int ANSWERS = 200;

    @Test
    void solveToMailLatency(LocalStack stack) throws Exception {
        var tenant = TestTenants.create(stack, "latency");
        var nhn = tenant.nhn();
        List<String> tickets = new ArrayList<>();
        for (int i = 0; i < ANSWERS; i++) {
            var created = nhn.send("POST", tenant.path("ticket.json"), LocalStack.JSON.writeValueAsString(Map.of(
                    "subject", "Latency " + i, "content", "?", "endUser",
                    Map.of("email", "latency" + i + "@customers.example", "username", "C"))));
            assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
            tickets.add(LocalStack.JSON.readTree(created.body()).path("result").path("content").path("ticketId").asString());
        }
        // the acknowledgements go first, so the answers are measured on their own
        await().atMost(Duration.ofMinutes(2)).until(() -> TicketToMailIT.mailsPerRecipient(stack,
                address -> address.startsWith("latency")).size() == ANSWERS);
        for (String ticketId : tickets) {
            var solved = nhn.send("POST", tenant.path("ticket/solve.json?id=" + ticketId), "{\"comment\":\"Done.\"}");
            assertThat(solved.statusCode()).isEqualTo(200);
            Thread.sleep(50); // the pace of the answers (20/s), not a wait for an outcome
        }
        var serde = new EventSerde();
        List<Long> latencies = await().atMost(Duration.ofMinutes(2)).until(() -> TopicTraffic.all(stack,
                        Topic.NOTIFICATION_EVENTS).stream()
                .map(serde::decode).filter(EmailSent.class::isInstance).map(EmailSent.class::cast)
                .filter(sent -> sent.getPurpose().equals("ticket-answer") && tickets.contains(sent.getTicketId()))
                .map(EmailSent::getLatencyMillis).sorted().toList(), found -> found.size() == ANSWERS);
        System.out.printf("solve -> mail over %d answers at 20/s: p50 %d ms, p90 %d ms, p99 %d ms, max %d ms%n",
                ANSWERS, latencies.get(ANSWERS / 2), latencies.get(ANSWERS * 90 / 100), latencies.get(ANSWERS * 99 / 100),
                latencies.getLast());
    }
}
