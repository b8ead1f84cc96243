package dev.switchboard.platform.events;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
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
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.FixedBackOff;

import dev.switchboard.schemas.Topic;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Kafka as every service uses it: events as Avro single-object bytes with String keys, idempotent
 * producers waiting for all replicas, every topic of the catalogue declared with its dead-letter
 * topic, and one error handler (bounded retry, then the dead-letter topic; undecodable records go
 * there at once).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(PlatformKafkaProperties.class)
public class PlatformKafkaConfiguration {

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
        return new KafkaTemplate<>(producerFactory);
    }

    @Bean
    ConsumerFactory<String, byte[]> eventConsumerFactory(KafkaProperties kafka) {
        Map<String, Object> config = kafka.buildConsumerProperties();
        config.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new DefaultKafkaConsumerFactory<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    }

    @Bean
    DefaultErrorHandler eventErrorHandler(KafkaTemplate<String, byte[]> template, PlatformKafkaProperties properties) {
        var recoverer = new DeadLetterPublishingRecoverer(template,
                (record, error) -> new TopicPartition(record.topic() + Topic.DEAD_LETTER_SUFFIX, record.partition()));
        var handler = new DefaultErrorHandler(recoverer,
                new FixedBackOff(properties.retryInterval().toMillis(), properties.retryAttempts()));
        handler.addNotRetryableExceptions(UndecodableEventException.class);
        return handler;
    }

    @Bean
    ConcurrentKafkaListenerContainerFactory<String, byte[]> kafkaListenerContainerFactory(
            ConsumerFactory<String, byte[]> consumerFactory, DefaultErrorHandler errorHandler) {
        var factory = new ConcurrentKafkaListenerContainerFactory<String, byte[]>();
        factory.setConsumerFactory(consumerFactory);
        factory.setCommonErrorHandler(errorHandler);
        factory.getContainerProperties().setAckMode(ContainerProperties.AckMode.RECORD);
        factory.getContainerProperties().setObservationEnabled(true);
        return factory;
    }

    /** Every topic of the catalogue and its dead-letter topic, so any service can start first. */
    @Bean
    KafkaAdmin.NewTopics switchboardTopics(PlatformKafkaProperties properties) {
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
            TopicBuilder deadLetters = TopicBuilder.name(topic.deadLetterTopicName())
                    .partitions(topic.partitions())
                    .replicas(properties.replicationFactor());
            if (properties.durableReplicas() > 1) {
                deadLetters.config(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(properties.durableReplicas()));
            }
            topics.add(deadLetters.build());
        }
        return new KafkaAdmin.NewTopics(topics.toArray(NewTopic[]::new));
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
    EventMetadataFactory eventMetadataFactory(@Value("${spring.application.name}") String producer) {
        return new EventMetadataFactory(producer, Clock.systemUTC());
    }
}
