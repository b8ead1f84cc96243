package dev.switchboard.notification.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;


class NotificationPropertiesTest {

    @Test
    void defaultsNestEachBoundInsideTheNext() {
        var properties = bind();

        var relay = properties.relay();
        assertThat(relay.sendTimeout()).isGreaterThan(relay.connectTimeout().plus(relay.readTimeout()));
        assertThat(properties.attemptTime())
                .isGreaterThan(properties.attachments().fetchTimeout().plus(relay.sendTimeout()));
        assertThat(properties.sending().lease()).isGreaterThanOrEqualTo(properties.attemptTime());
        assertThat(properties.sending().perTenantConcurrency()).isLessThan(properties.sending().concurrency());
        // transient failures are retried for at least six hours
        assertThat(properties.sending().retry().giveUpAfter()).isGreaterThanOrEqualTo(Duration.ofHours(6));
    }

    @Test
    void rejectsALeaseThatCouldRunOutWhileItsSendRuns() {
        var environment = environment();
        environment.getPropertySources().addFirst(new MapPropertySource("test", Map.of(
                "switchboard.notification.relay.send-timeout", "60s", "switchboard.notification.sending.lease", "90s")));

        assertThatThrownBy(() -> bind(environment)).hasStackTraceContaining("sending.lease");
    }

    @Test
    void shutdownPhaseOfTheServiceOutlastsTheMailListenersWait() {
        var environment = environment();

        var phase = Binder.get(environment).bind("spring.lifecycle.timeout-per-shutdown-phase", Duration.class).get();

        assertThat(phase).isGreaterThanOrEqualTo(bind(environment).attemptTime());
    }

    private static NotificationProperties bind() {
        return bind(environment());
    }

    private static NotificationProperties bind(StandardEnvironment environment) {
        return Binder.get(environment).bind("switchboard.notification", Bindable.of(NotificationProperties.class)).get();
    }

    /** The service's application.yml, with the one secret it needs. */
    private static StandardEnvironment environment() {
        try {
            var environment = new StandardEnvironment();
            new YamlPropertySourceLoader().load("application", new ClassPathResource("application.yml"))
                    .forEach(environment.getPropertySources()::addLast);
            environment.getPropertySources().addFirst(
                    new MapPropertySource("secrets", Map.of("switchboard.notification.contact-key", "keyset")));
            ConfigurationPropertySources.attach(environment);
            return environment;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
