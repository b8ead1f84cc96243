package dev.switchboard.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.switchboard.events.EventMetadata;
import dev.switchboard.events.mail.MailSettingsChanged;
import dev.switchboard.platform.events.EventSerde;
import dev.switchboard.schemas.Topic;
import jakarta.mail.internet.InternetAddress;

/** notification-service's sender-settings projection tolerates redelivered and out-of-date snapshots. */
@ExtendWith(StackExtension.class)
class SenderSettingsIT {

    @Test
    void redeliveredAndStaleSnapshotsNeverReplaceTheNewestSettings(LocalStack stack) throws Exception {
        var tenant = TestTenants.create(stack, "settings");
        String serviceId = tenant.serviceId();
        var nhn = tenant.nhn();
        String settingsPath = tenant.path("mail.json");
        var first = nhn.send("POST", settingsPath, LocalStack.JSON.writeValueAsString(Map.of(
                "name", "First Name", "displayMail", "first@settings.example", "template", "<p>#{content}</p>")));
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        var saved = nhn.send("POST", settingsPath, LocalStack.JSON.writeValueAsString(Map.of(
                "name", "Newest Name", "displayMail", "help@settings.example", "template", "<p>#{content}</p>")));
        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
        assertThat(LocalStack.JSON.readTree(nhn.send("GET", settingsPath, null).body()).path("result").path("content")
                .path("name").asString()).isEqualTo("Newest Name");

        var serde = new EventSerde();
        ConsumerRecord<String, byte[]> newest = TopicTraffic.records(stack, Topic.MAIL_SETTINGS, serviceId, 2).getLast();
        MailSettingsChanged event = (MailSettingsChanged) serde.decode(newest);
        MailSettingsChanged stale = MailSettingsChanged.newBuilder(event)
                .setMetadata(EventMetadata.newBuilder(event.getMetadata()).setEventId(UUID.randomUUID().toString()).build())
                .setName("Stale Name")
                .setUpdatedAt(event.getUpdatedAt().minus(1, ChronoUnit.HOURS))
                .build();
        try (var producer = TopicTraffic.producer(stack)) {
            producer.send(new ProducerRecord<>(newest.topic(), null, newest.key(), newest.value(), newest.headers())).get();
            producer.send(new ProducerRecord<>(newest.topic(), null, newest.key(), newest.value(), newest.headers())).get();
            producer.send(new ProducerRecord<>(newest.topic(), null, newest.key(), serde.encode(stale), newest.headers())).get();
        }
        awaitConsumed(stack, "notification-service", new TopicPartition(newest.topic(), newest.partition()));

        var ticket = nhn.send("POST", "/" + serviceId + "/openapi/v1/ticket.json",
                "{\"subject\":\"Order\",\"content\":\"Where is it?\",\"endUser\":{\"email\":\"c-" + serviceId
                        + "@example.com\",\"username\":\"C\"}}");
        String ticketId = LocalStack.JSON.readTree(ticket.body()).path("result").path("content").path("ticketId").asString();
        var mail = TicketToMailIT.awaitMails(stack, ticketId, 1).getFirst();
        assertThat(mail.getFrom()).containsExactly(new InternetAddress("help@settings.example", "Newest Name"));
    }

    /** Waits until the group has committed past everything on the partition, i.e. processed it all. */
    private static void awaitConsumed(LocalStack stack, String group, TopicPartition partition) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                stack.infrastructure().kafkaBootstrapServers()))) {
            long end = admin.listOffsets(Map.of(partition, OffsetSpec.latest())).all().get().get(partition).offset();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata().get();
                OffsetAndMetadata offset = committed.get(partition);
                return offset != null && offset.offset() >= end;
            });
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
