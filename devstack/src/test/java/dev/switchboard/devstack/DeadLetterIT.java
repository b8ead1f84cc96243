package dev.switchboard.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.switchboard.events.EventMetadata;
import dev.switchboard.events.ticket.EndUser;
import dev.switchboard.events.ticket.TicketCreated;
import dev.switchboard.platform.events.EventHeaders;
import dev.switchboard.platform.events.EventSerde;
import dev.switchboard.schemas.Topic;
import tools.jackson.databind.JsonNode;

/** An operator re-drives a service's dead-letter topic from its management port, and what waited there is done once. */
@ExtendWith(StackExtension.class)
class DeadLetterIT {

    static final String DEAD_LETTERS = Topic.TICKET_EVENTS.topicName() + ".notification-service.DLT";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void aReDrivenDeadLetterIsProcessedOnceAndNotReDrivenAgain(LocalStack stack) throws Exception {
        var created = stack.nhnClient().send("POST", "/demo/openapi/v1/ticket.json",
                "{\"categoryId\":2539,\"subject\":\"Dead letter\",\"content\":\"c\",\"endUser\":{\"email\":\"dl@example.com\",\"username\":\"D\"}}");
        String ticketId = LocalStack.JSON.readTree(created.body()).path("result").path("content").path("ticketId").asString();
        TicketToMailIT.awaitMails(stack, ticketId, 1);

        // what a failure would have left behind: the event of another ticket, in notification-service's dead letters
        ConsumerRecord<String, byte[]> original = TopicTraffic.records(stack, Topic.TICKET_EVENTS, ticketId, 1).getFirst();
        var serde = new EventSerde();
        TicketCreated event = (TicketCreated) serde.decode(original);
        String deadTicket = ticketId + "D";
        TicketCreated dead = TicketCreated.newBuilder(event)
                .setMetadata(EventMetadata.newBuilder(event.getMetadata()).setEventId(UUID.randomUUID().toString()).build())
                .setTicketId(deadTicket).setSealedContact(null)
                .setEndUser(EndUser.newBuilder(event.getEndUser()).setEmail("redriven@customers.example").build())
                .build();
        try (var producer = TopicTraffic.producer(stack)) {
            var record = new ProducerRecord<>(DEAD_LETTERS, deadTicket, serde.encode(dead));
            record.headers().add(EventHeaders.TYPE, original.headers().lastHeader(EventHeaders.TYPE).value());
            record.headers().add(EventHeaders.ID, dead.getMetadata().getEventId().getBytes(StandardCharsets.UTF_8));
            record.headers().add("kafka_dlt-exception-message", "SMTP relay unreachable".getBytes(StandardCharsets.UTF_8));
            producer.send(record).get();
        }

        String management = "http://127.0.0.1:" + stack.managementPort("notification-service") + "/actuator/deadletters";
        JsonNode waiting = LocalStack.JSON.readTree(get(management).body());
        assertThat(waiting.path(DEAD_LETTERS).asLong()).isGreaterThanOrEqualTo(1);
        assertThat(TicketToMailIT.mailsFor(stack, deadTicket)).isEmpty();

        JsonNode redriven = LocalStack.JSON.readTree(post(management + "/" + DEAD_LETTERS).body());
        assertThat(redriven.path("redriven").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(redriven.path("sourceTopic").asString()).isEqualTo(Topic.TICKET_EVENTS.topicName());

        TicketToMailIT.awaitMails(stack, deadTicket, 1);
        assertThat(LocalStack.JSON.readTree(post(management + "/" + DEAD_LETTERS).body()).path("redriven").asInt()).isZero();
        assertThat(LocalStack.JSON.readTree(get(management).body()).path(DEAD_LETTERS).asLong()).isZero();
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
                .until(() -> TicketToMailIT.mailsFor(stack, deadTicket).size() == 1);

        // not an operator's way in: another topic, and the public port, refuse
        assertThat(post(management + "/switchboard.ticket.events").statusCode()).isBetween(400, 499);
        var publicPort = http.send(HttpRequest.newBuilder(URI.create(stack.baseUrl() + "/actuator/deadletters/" + DEAD_LETTERS))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(publicPort.statusCode()).isEqualTo(404);
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(3))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }
}
