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
 * @param minInsyncReplicas replicas that must have an event before the broker acknowledges it to an
 *                          {@code acks=all} producer; 0 derives it: 2 from a replication factor of 3 on,
 *                          so one broker's loss never loses an event the outbox already removed
 * @param sendThreads       threads that may block in a producer's send (metadata, full buffer)
 */
@ConfigurationProperties("switchboard.kafka")
public record PlatformKafkaProperties(@DefaultValue("1") short replicationFactor,
                                      @DefaultValue("3") int retryAttempts,
                                      @DefaultValue("500ms") Duration retryInterval,
                                      @DefaultValue("0") int minInsyncReplicas,
                                      @DefaultValue("16") int sendThreads) {

    /** The {@code min.insync.replicas} of every declared topic. */
    public int durableReplicas() {
        if (minInsyncReplicas > 0) {
            return Math.min(minInsyncReplicas, replicationFactor);
        }
        return replicationFactor >= 3 ? 2 : 1;
    }
}
