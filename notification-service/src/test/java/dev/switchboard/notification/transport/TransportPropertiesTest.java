package dev.switchboard.notification.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import dev.switchboard.notification.config.NotificationProperties;
import dev.switchboard.platform.crypto.Keysets;
import dev.switchboard.platform.net.MailHostGuard;

/**
 * The transport properties bind on their own prefix, as the service's property scan finds them, with their
 * defaults; without the keyset the service does not start.
 */
class TransportPropertiesTest {

    @Configuration(proxyBeanMethods = false)
    @ConfigurationPropertiesScan(basePackageClasses = NotificationProperties.class)
    @Import(TransportConfig.class)
    static class Scan {
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withUserConfiguration(Scan.class)
            .withPropertyValues("switchboard.notification.contact-key=unused");

    @Test
    void bindsWithItsDefaultsAndTheOperatorsAllowList() {
        runner.withPropertyValues("switchboard.notification.transports.secrets-keyset=" + Keysets.newAeadKeyset(),
                        "switchboard.notification.transports.mail-hosts-allowed=127.0.0.1/32")
                .run(context -> {
                    var transports = context.getBean(NotificationProperties.Transports.class);
                    assertThat(transports.mailHostsAllowed()).isEqualTo(List.of("127.0.0.1/32"));
                    assertThat(transports.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
                    assertThat(transports.readTimeout()).isEqualTo(Duration.ofSeconds(10));
                    assertThat(transports.testDeadline()).isEqualTo(Duration.ofSeconds(30));
                    assertThat(transports.cacheTtl()).isEqualTo(Duration.ofSeconds(10));
                    assertThat(transports.toString()).doesNotContain("primaryKeyId");
                    var guard = context.getBean(MailHostGuard.class);
                    assertThat(guard.check("127.0.0.1").getHostAddress()).isEqualTo("127.0.0.1");
                });
    }

    @Test
    void doesNotStartWithoutTheKeysetSealingPasswords() {
        runner.run(context -> assertThat(context).hasFailed().getFailure()
                .hasStackTraceContaining("switchboard.notification.transports")
                .hasStackTraceContaining("secretsKeyset"));
    }
}
