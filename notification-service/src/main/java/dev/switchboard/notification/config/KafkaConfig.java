package dev.switchboard.notification.config;

import java.time.Duration;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.kafka.config.ContainerPostProcessor;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;

@Configuration(proxyBeanMethods = false)
class KafkaConfig {

    /** Spring's default, when {@code spring.lifecycle.timeout-per-shutdown-phase} is not set. */
    static final Duration DEFAULT_SHUTDOWN_PHASE = Duration.ofSeconds(30);

    /**
     * At shutdown the mail listener finishes the event in hand instead of Spring Kafka's 10 s: a send may take
     * {@link NotificationProperties#listenerWait()}, and one cut short leaves its lease to run out before the
     * mail is retried. The shutdown phase must allow that wait, or Spring stops waiting first.
     */
    @Bean
    ContainerPostProcessor<String, byte[], AbstractMessageListenerContainer<String, byte[]>> mailListenerShutdown(
            NotificationProperties properties, Environment environment) {
        Duration wait = properties.listenerWait();
        Duration phase = Binder.get(environment).bind("spring.lifecycle.timeout-per-shutdown-phase", Duration.class)
                .orElse(DEFAULT_SHUTDOWN_PHASE);
        if (phase.compareTo(wait) < 0) {
            throw new IllegalStateException("spring.lifecycle.timeout-per-shutdown-phase (" + phase
                    + ") must be at least the mail listener's wait (" + wait + ")");
        }
        return container -> container.getContainerProperties().setShutdownTimeout(wait.toMillis());
    }
}
