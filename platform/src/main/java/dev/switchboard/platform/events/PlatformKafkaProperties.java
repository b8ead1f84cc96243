package dev.switchboard.platform.events;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How every service uses Kafka.
 *
 * @param replicationFactor replication of the topics the service declares (3 in production)
 * @param retryAttempts     redeliveries of a failing record before it goes to the dead-letter topic
 * @param retryInterval     pause between those redeliveries
 */
@ConfigurationProperties("switchboard.kafka")
public record PlatformKafkaProperties(@DefaultValue("1") short replicationFactor,
                                      @DefaultValue("3") int retryAttempts,
                                      @DefaultValue("500ms") Duration retryInterval) {
}
