package dev.switchboard.platform.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

class PlatformKafkaPropertiesTest {

    static PlatformKafkaProperties replicated(int factor, int minInsync) {
        return new PlatformKafkaProperties((short) factor, 40, Duration.ofSeconds(15), minInsync, 16);
    }

    @Test
    void threeReplicasNeedTwoInSyncSoALeaderFailureLosesNoAcknowledgedEvent() {
        assertThat(replicated(3, 0).durableReplicas()).isEqualTo(2);
        assertThat(replicated(1, 0).durableReplicas()).isEqualTo(1);
        assertThat(replicated(3, 3).durableReplicas()).isEqualTo(3);
        assertThat(replicated(2, 5).durableReplicas()).isEqualTo(2);
    }

    @Test
    void everyDeclaredTopicCarriesItsMinInsyncReplicas() {
        var topics = PlatformKafkaConfiguration.catalogueTopics(replicated(3, 0));
        assertThat(topics).isNotEmpty().allSatisfy((NewTopic topic) -> {
            assertThat(topic.replicationFactor()).isEqualTo((short) 3);
            assertThat(topic.configs()).containsEntry(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2");
        });
        var local = PlatformKafkaConfiguration.catalogueTopics(replicated(1, 0));
        assertThat(local).allSatisfy((NewTopic topic) ->
                assertThat(topic.configs() == null ? java.util.Map.of() : topic.configs())
                        .doesNotContainKey(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG));
    }
}
