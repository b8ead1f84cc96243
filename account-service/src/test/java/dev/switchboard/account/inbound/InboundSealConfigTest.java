package dev.switchboard.account.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import dev.switchboard.platform.crypto.HybridSeal;
import dev.switchboard.platform.crypto.Keysets;

/** The envelope sealer comes from ticket-service's public keyset, which the service cannot start without. */
class InboundSealConfigTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(InboundProperties.class)
    static class Properties {
    }

    private final ApplicationContextRunner context = new ApplicationContextRunner()
            .withUserConfiguration(Properties.class, InboundSealConfig.class);

    @Test
    void ticketServicesPublicKeysetMakesTheSealer() {
        var keys = Keysets.newKeyPair();
        context.withPropertyValues("switchboard.account.inbound.ticket-public-keyset=" + keys.publicKeyset())
                .run(started -> {
                    assertThat(started).hasSingleBean(EnvelopeSeal.class);
                    // the edge's sealer stays the only HybridSeal.Sealer bean
                    assertThat(started).doesNotHaveBean(HybridSeal.Sealer.class);
                });
    }

    @Test
    void withoutTheKeysetTheServiceDoesNotStart() {
        context.run(started -> assertThat(started).hasFailed().getFailure()
                .rootCause().hasMessageContaining("ticket-public-keyset"));
    }
}
