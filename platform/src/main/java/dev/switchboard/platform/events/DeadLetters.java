package dev.switchboard.platform.events;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;

import dev.switchboard.schemas.Topic;

/**
 * The operator's view of this service's dead-letter topics, on the management port
 * ({@code /actuator/deadletters}): how many records wait in each, and a re-drive that publishes them to their
 * source topic again once the cause is fixed. What was re-driven is remembered in the consumer group
 * {@code <service>-redrive}, so a second call re-drives only what arrived since. Consumers are idempotent, so
 * a record re-driven to a topic that several services read changes nothing where it had succeeded.
 */
@Endpoint(id = "deadletters")
public final class DeadLetters {

    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration DEADLINE = Duration.ofMinutes(2);

    private final ConsumerFactory<String, byte[]> consumers;
    private final KafkaTemplate<String, byte[]> producer;
    private final String service;

    public DeadLetters(ConsumerFactory<String, byte[]> consumers, KafkaTemplate<String, byte[]> producer, String service) {
        this.consumers = consumers;
        this.producer = producer;
        this.service = service;
    }

    /** Records waiting (not yet re-driven) per dead-letter topic of this service that exists. */
    @ReadOperation
    public Map<String, Long> waiting() {
        Map<String, Long> waiting = new LinkedHashMap<>();
        try (Consumer<String, byte[]> consumer = consumer()) {
            for (Topic topic : Topic.values()) {
                String deadLetters = deadLetterTopic(topic);
                List<TopicPartition> partitions = partitions(consumer, deadLetters);
                if (!partitions.isEmpty()) {
                    waiting.put(deadLetters, backlog(consumer, partitions));
                }
            }
        }
        return waiting;
    }

    /** Publishes every record that waits in {@code deadLetterTopic} to its source topic; answers how many. */
    // one re-drive at a time on an instance; operators re-drive through one instance (README), as two at once
    // would both start from the same committed offset and publish the records twice
    @WriteOperation
    public synchronized WebEndpointResponse<Map<String, Object>> redrive(@Selector String deadLetterTopic) {
        Topic source = sourceOf(deadLetterTopic);
        if (source == null) {
            return new WebEndpointResponse<>(Map.of("error", "Not a dead-letter topic of " + service + ": "
                    + deadLetterTopic), WebEndpointResponse.STATUS_NOT_FOUND);
        }
        int redriven = 0;
        try (Consumer<String, byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = partitions(consumer, deadLetterTopic);
            consumer.assign(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new java.util.HashSet<>(partitions));
            for (TopicPartition partition : partitions) {
                OffsetAndMetadata from = committed.get(partition);
                if (from == null) {
                    consumer.seekToBeginning(List.of(partition));
                } else {
                    consumer.seek(partition, from.offset());
                }
            }
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (!caughtUp(consumer, partitions, ends)) {
                if (System.nanoTime() > deadline) {
                    return new WebEndpointResponse<>(Map.of("deadLetterTopic", deadLetterTopic, "redriven", redriven,
                            "error", "not finished within " + DEADLINE + "; call again for the rest"),
                            WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE);
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                    producer.send(toSource(source, record)).join();
                    consumer.commitSync(Map.of(new TopicPartition(record.topic(), record.partition()),
                            new OffsetAndMetadata(record.offset() + 1)));
                    redriven++;
                }
            }
        }
        return new WebEndpointResponse<>(Map.of("deadLetterTopic", deadLetterTopic, "sourceTopic", source.topicName(),
                "redriven", redriven));
    }

    private Topic sourceOf(String deadLetterTopic) {
        for (Topic topic : Topic.values()) {
            if (deadLetterTopic(topic).equals(deadLetterTopic)) {
                return topic;
            }
        }
        return null;
    }

    private String deadLetterTopic(Topic topic) {
        return topic.topicName() + PlatformKafkaConfiguration.deadLetterSuffix(service);
    }

    /** The same key, value and event headers; the failure details of the dead-letter headers stay behind. */
    private static ProducerRecord<String, byte[]> toSource(Topic source, ConsumerRecord<String, byte[]> record) {
        var copy = new ProducerRecord<>(source.topicName(), record.key(), record.value());
        for (Header header : record.headers()) {
            if (header.key().startsWith("sb-")) {
                copy.headers().add(header);
            }
        }
        return copy;
    }

    private Consumer<String, byte[]> consumer() {
        return consumers.createConsumer(service + "-redrive", service + "-redrive");
    }

    private static List<TopicPartition> partitions(Consumer<String, byte[]> consumer, String topic) {
        List<PartitionInfo> infos = consumer.listTopics(Duration.ofSeconds(10)).get(topic);
        List<TopicPartition> partitions = new ArrayList<>();
        if (infos != null) {
            infos.forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        }
        return partitions;
    }

    private static long backlog(Consumer<String, byte[]> consumer, List<TopicPartition> partitions) {
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        Map<TopicPartition, Long> begins = consumer.beginningOffsets(partitions);
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new java.util.HashSet<>(partitions));
        long total = 0;
        for (TopicPartition partition : partitions) {
            OffsetAndMetadata done = committed.get(partition);
            total += ends.get(partition) - (done == null ? begins.get(partition) : done.offset());
        }
        return total;
    }

    private static boolean caughtUp(Consumer<String, byte[]> consumer, List<TopicPartition> partitions,
                                    Map<TopicPartition, Long> ends) {
        for (TopicPartition partition : partitions) {
            if (consumer.position(partition) < ends.get(partition)) {
                return false;
            }
        }
        return true;
    }
}
