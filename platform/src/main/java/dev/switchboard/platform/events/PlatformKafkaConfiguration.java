package dev.switchboard.platform.events;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.support.ProducerListener;
import org.springframework.kafka.retrytopic.RetryTopicConfiguration;
import org.springframework.kafka.retrytopic.RetryTopicConfigurationBuilder;

import dev.switchboard.schemas.Topic;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Kafka as every service uses it: events as Avro single-object bytes with String keys, idempotent
 * producers waiting for all replicas, every topic of the catalogue declared, and one retry policy
 * (retry topics with a delay, then a dead-letter topic per service; undecodable records go there at once).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(PlatformKafkaProperties.class)
public class PlatformKafkaConfiguration {

    private static final Logger log = LoggerFactory.getLogger(PlatformKafkaConfiguration.class);

    @Bean
    EventSerde eventSerde() {
        return new EventSerde();
    }

    @Bean
    ProducerFactory<String, byte[]> eventProducerFactory(KafkaProperties kafka) {
        Map<String, Object> config = kafka.buildProducerProperties();
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // delivery timeout must cover linger + request timeout, or the producer refuses to start
        config.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
        config.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        config.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        // how long send() may block a sending thread for metadata or buffer space before it fails
        config.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        return new DefaultKafkaProducerFactory<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    @Bean
    KafkaTemplate<String, byte[]> eventKafkaTemplate(ProducerFactory<String, byte[]> producerFactory) {
        var template = new KafkaTemplate<>(producerFactory);
        // a failed send is retried by whoever sent it (the outbox relay, the retry topics): a warning without
        // the payload, not Spring's default ERROR with the record
        template.setProducerListener(new ProducerListener<>() {
            @Override
            public void onError(ProducerRecord<String, byte[]> record, RecordMetadata metadata, Exception exception) {
                log.warn("Send to {} failed, it will be retried: {}", record.topic(), exception.toString());
            }
        });
        return template;
    }

    @Bean
    ConsumerFactory<String, byte[]> eventConsumerFactory(KafkaProperties kafka) {
        Map<String, Object> config = kafka.buildConsumerProperties();
        config.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new DefaultKafkaConsumerFactory<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * Failures retry without blocking the partition: a failed record moves to this service's retry topic of
     * its source topic ({@code <topic>.<service>.retry}), is tried again there after the retry interval, as
     * often as configured (ten minutes by default, so an SMTP relay restart or a short database outage loses
     * nothing), and only then lands in the service's dead-letter topic ({@code <topic>.<service>.DLT}), from
     * where an operator re-drives it ({@link DeadLetters}). Records that can never be processed (undecodable)
     * go there at once. The topics carry the service's name because several services consume one topic.
     */
    @Bean
    RetryTopicConfiguration retryTopics(KafkaTemplate<String, byte[]> template, PlatformKafkaProperties properties,
                                        ConcurrentKafkaListenerContainerFactory<String, byte[]> kafkaListenerContainerFactory,
                                        @Value("${spring.application.name}") String service) {
        return RetryTopicConfigurationBuilder.newInstance()
                .fixedBackOff(properties.retryInterval().toMillis())
                .maxAttempts(properties.retryAttempts() + 1)
                .useSingleTopicForSameIntervals()
                .retryTopicSuffix(retryTopicSuffix(service))
                .dltSuffix(deadLetterSuffix(service))
                .notRetryOn(List.of(UndecodableEventException.class))
                .traversingCauses()
                .autoCreateTopicsWith(RETRY_PARTITIONS, properties.replicationFactor())
                // nothing consumes the dead letters until an operator re-drives them
                .autoStartDltHandler(false)
                .listenerFactory(kafkaListenerContainerFactory)
                .create(template);
    }

    /**
     * A failed record goes to the retry topic's partition of its own number, so the retry topics have as many
     * partitions as the widest source topic.
     */
    static final int RETRY_PARTITIONS = java.util.Arrays.stream(Topic.values()).mapToInt(Topic::partitions).max().orElse(1);

    /** The suffix of a service's retry topic of a source topic. */
    public static String retryTopicSuffix(String service) {
        return "." + service + ".retry";
    }

    /** The suffix of a service's dead-letter topic of a source topic. */
    public static String deadLetterSuffix(String service) {
        return "." + service + Topic.DEAD_LETTER_SUFFIX;
    }

    @Bean
    ConcurrentKafkaListenerContainerFactory<String, byte[]> kafkaListenerContainerFactory(
            ConsumerFactory<String, byte[]> consumerFactory) {
        var factory = new ConcurrentKafkaListenerContainerFactory<String, byte[]>();
        factory.setConsumerFactory(consumerFactory);
        // offsets are committed once per poll, not after every record: a synchronous commit per record cost as
        // much as handling it; a crash redelivers at most one poll's records, which every consumer tolerates
        factory.getContainerProperties().setAckMode(ContainerProperties.AckMode.BATCH);
        factory.getContainerProperties().setObservationEnabled(true);
        return factory;
    }

    /** Every topic of the catalogue, so any service can start first; retry and dead-letter topics come with listeners. */
    @Bean
    KafkaAdmin.NewTopics switchboardTopics(PlatformKafkaProperties properties) {
        return new KafkaAdmin.NewTopics(catalogueTopics(properties).toArray(NewTopic[]::new));
    }

    static List<NewTopic> catalogueTopics(PlatformKafkaProperties properties) {
        List<NewTopic> topics = new ArrayList<>();
        for (Topic topic : Topic.values()) {
            TopicBuilder builder = TopicBuilder.name(topic.topicName())
                    .partitions(topic.partitions())
                    .replicas(properties.replicationFactor());
            if (topic.compacted()) {
                builder.config(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
            }
            if (properties.durableReplicas() > 1) {
                builder.config(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(properties.durableReplicas()));
            }
            topics.add(builder.build());
        }
        return topics;
    }

    @Bean
    EventPublisher eventPublisher(KafkaTemplate<String, byte[]> template, EventSerde serde,
                                  Scheduler kafkaSending) {
        return new EventPublisher(template, serde, kafkaSending);
    }

    /** The threads that may block in {@code KafkaTemplate.send}; bounded, so an outage cannot exhaust memory. */
    @Bean(destroyMethod = "dispose")
    Scheduler kafkaSending(PlatformKafkaProperties properties) {
        return Schedulers.newBoundedElastic(properties.sendThreads(), 100_000, "kafka-send", 60, true);
    }

    @Bean
    DeadLetters deadLetters(ConsumerFactory<String, byte[]> consumerFactory, KafkaTemplate<String, byte[]> template,
                            @Value("${spring.application.name}") String service) {
        return new DeadLetters(consumerFactory, template, service);
    }

    @Bean
    EventMetadataFactory eventMetadataFactory(@Value("${spring.application.name}") String producer) {
        return new EventMetadataFactory(producer, Clock.systemUTC());
    }
}
