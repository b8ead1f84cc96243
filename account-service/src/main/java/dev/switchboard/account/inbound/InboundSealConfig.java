package dev.switchboard.account.inbound;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.switchboard.platform.crypto.HybridSeal;

/**
 * The sealer of inbound envelopes, from ticket-service's public keyset. It is wrapped in {@link EnvelopeSeal}
 * rather than exposed as a second {@link HybridSeal.Sealer} bean, so the edge's sealer keeps being the only one.
 */
@Configuration(proxyBeanMethods = false)
class InboundSealConfig {

    @Bean
    EnvelopeSeal envelopeSeal(InboundProperties properties) {
        if (properties.ticketPublicKeyset() == null || properties.ticketPublicKeyset().isBlank()) {
            throw new IllegalStateException("switchboard.account.inbound.ticket-public-keyset is required"
                    + " (SWITCHBOARD_ACCOUNT_INBOUND_TICKETPUBLICKEYSET): inbound mail is sealed for ticket-service");
        }
        return new EnvelopeSeal(new HybridSeal.Sealer(properties.ticketPublicKeyset()));
    }
}
