package dev.switchboard.notification.config;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.switchboard.platform.crypto.HybridSeal;

@Configuration(proxyBeanMethods = false)
class CryptoConfig {

    /** Opens where to mail a customer; ticket-service seals it for this service only. */
    @Bean
    HybridSeal.Opener contactOpener(NotificationProperties properties) {
        return new HybridSeal.Opener(properties.contactKeyset());
    }
}
