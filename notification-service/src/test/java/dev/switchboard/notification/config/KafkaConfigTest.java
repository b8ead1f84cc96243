package dev.switchboard.notification.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.mock.env.MockEnvironment;

class KafkaConfigTest {

    private final NotificationProperties properties = new NotificationProperties(
            new NotificationProperties.Relay("127.0.0.1", 25, null, null, false, Duration.ofSeconds(5),
                    Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(60)),
            "Switchboard", "no-reply@switchboard.local", "switchboard.local", "keyset",
            new NotificationProperties.Attachments("http://127.0.0.1:8083",
                    org.springframework.util.unit.DataSize.ofMegabytes(10), Duration.ofSeconds(10), Duration.ofSeconds(30)),
            new NotificationProperties.Sending(0, Duration.ofSeconds(90)));

    @Test
    void mailListenerFinishesTheMailInHandAtShutdown() {
        var environment = new MockEnvironment().withProperty("spring.lifecycle.timeout-per-shutdown-phase", "150s");
        var container = new ConcurrentMessageListenerContainer<String, byte[]>(
                new DefaultKafkaConsumerFactory<>(Map.of()), new ContainerProperties("switchboard.ticket.events"));

        new KafkaConfig().mailListenerShutdown(properties, environment).postProcess(container);

        assertThat(Duration.ofMillis(container.getContainerProperties().getShutdownTimeout()))
                .isEqualTo(properties.listenerWait())
                .isGreaterThan(properties.relay().sendTimeout());
    }

    @Test
    void refusesAShutdownPhaseShorterThanTheListenersWait() {
        var environment = new MockEnvironment().withProperty("spring.lifecycle.timeout-per-shutdown-phase", "30s");

        assertThatThrownBy(() -> new KafkaConfig().mailListenerShutdown(properties, environment))
                .hasMessageContaining("timeout-per-shutdown-phase");
    }
}
