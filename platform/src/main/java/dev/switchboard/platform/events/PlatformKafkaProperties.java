package dev.switchboard.platform.events;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How every service uses Kafka.
 *
 * @param replicationFactor replication of the topics the service declares (3 in production)
 * @param retryAttempts     retries of a failing record (from the service's retry topic) before it goes to the
 *                          dead-letter topic
 * @param retryInterval     pause before each retry; attempts times interval is how long an outage may last
 *                          without a record being dead-lettered (10 minutes by default)
 * @param minInsyncReplicas replicas that must have an event before the broker acknowledges it to an
 *                          {@code acks=all} producer; 0 derives it: 2 from a replication factor of 3 on,
 *                          so one broker's loss never loses an event the outbox already removed
 * @param sendThreads       threads that may block in a producer's send (metadata, full buffer)
 */
@ConfigurationProperties("switchboard.kafka")
public record PlatformKafkaProperties(@DefaultValue("1") short replicationFactor,
                                      @DefaultValue("40") int retryAttempts,
                                      @DefaultValue("15s") Duration retryInterval,
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
