package dev.switchboard.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.switchboard.schemas.Topic;
import tools.jackson.databind.JsonNode;

/**
 * {@code kill -9} of the services on the ticket path while tickets arrive at a steady rate: every accepted
 * ticket exists once, is on the topic, and its customer gets exactly one acknowledgement; whatever was refused
 * while a service was down was refused as a 503 in the envelope, never a 500.
 */
@ExtendWith(StackExtension.class)
class ServiceCrashIT {

    private static final Duration PACE = Duration.ofMillis(200);

    @Test
    void killingTicketAndNotificationServiceLosesAndDuplicatesNothing(LocalStack stack) throws Exception {
        var tenant = TestTenants.create(stack, "crash");
        var settings = tenant.nhn().send("POST", tenant.path("mail.json"), LocalStack.JSON.writeValueAsString(Map.of(
                "name", "Crash Support", "displayMail", "support@crash.example", "template", "<p>#{content}</p>")));
        assertThat(settings.statusCode()).as(settings.body()).isEqualTo(200);

        Map<String, String> accepted = new ConcurrentHashMap<>(); // ticketId -> customer address
        List<String> refusals = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger sent = new AtomicInteger();
        Thread load = Thread.ofVirtual().start(() -> {
            while (running.get()) {
                String customer = "crash-" + sent.incrementAndGet() + "@customers.example";
                String body = LocalStack.JSON.writeValueAsString(Map.of("subject", "Crash " + customer,
                        "content", "Steady load", "endUser", Map.of("email", customer, "username", "Crash")));
                try {
                    HttpResponse<String> response = tenant.nhn().send("POST", tenant.path("ticket.json"), body);
                    JsonNode json = LocalStack.JSON.readTree(response.body());
                    if (response.statusCode() == 200 && json.path("header").path("isSuccessful").asBoolean()) {
                        accepted.put(json.path("result").path("content").path("ticketId").asString(), customer);
                    } else {
                        refusals.add(response.statusCode() + " " + response.body());
                    }
                } catch (RuntimeException e) {
                    refusals.add("no answer: " + e.getMessage());
                }
                try {
                    Thread.sleep(PACE); // the pace of the load, not a wait for an outcome
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        try {
            awaitMoreAccepted(accepted, 5);
            stack.kill("notification-service");
            awaitMoreAccepted(accepted, 5);
            stack.restart("notification-service");
            awaitMoreAccepted(accepted, 5);
            stack.kill("ticket-service");
            await().atMost(Duration.ofSeconds(60)).until(() -> !refusals.isEmpty());
            stack.restart("ticket-service");
            awaitMoreAccepted(accepted, 5);
        } finally {
            running.set(false);
            load.join(Duration.ofSeconds(60));
        }

        assertThat(refusals).as("refusals while a service was down").allSatisfy(refusal -> assertThat(refusal)
                .startsWith("503 ").contains("\"isSuccessful\":false").contains("temporarily unavailable"));
        await().atMost(Duration.ofMinutes(3)).untilAsserted(() -> {
            Map<String, Integer> mails = acknowledgementsPerCustomer(stack);
            for (var ticket : accepted.entrySet()) {
                assertThat(mails.getOrDefault(ticket.getValue(), 0)).as("acknowledgements of " + ticket).isEqualTo(1);
            }
        });
        assertThat(TopicTraffic.all(stack, Topic.TICKET_EVENTS).stream().map(record -> record.key()).toList())
                .as("TicketCreated of every accepted ticket").containsAll(accepted.keySet());
        for (String ticketId : accepted.keySet()) {
            var detail = tenant.nhn().send("GET", tenant.path("ticket/" + ticketId + ".json"), null);
            assertThat(detail.statusCode()).as(detail.body()).isEqualTo(200);
        }
        // no customer, accepted or not, got a second acknowledgement
        assertThat(acknowledgementsPerCustomer(stack).values()).allMatch(count -> count == 1);
    }

    private static void awaitMoreAccepted(Map<String, String> accepted, int more) {
        int target = accepted.size() + more;
        await().atMost(Duration.ofMinutes(2)).until(() -> accepted.size() >= target);
    }

    /** Crash customers get acknowledgements only: every mail to one is one. */
    private static Map<String, Integer> acknowledgementsPerCustomer(LocalStack stack) {
        return TicketToMailIT.mailsPerRecipient(stack, address -> address.startsWith("crash-"));
    }
}
