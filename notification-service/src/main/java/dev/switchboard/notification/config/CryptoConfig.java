package dev.switchboard.notification.config;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.switchboard.platform.crypto.ContactSeal;
import dev.switchboard.platform.crypto.SecretBox;

@Configuration(proxyBeanMethods = false)
class CryptoConfig {

    /** Opens where to mail a customer; ticket-service seals it with the key only the two of them have. */
    @Bean
    ContactSeal contactSeal(NotificationProperties properties) {
        return new ContactSeal(properties.contactKey(), properties.contactKeyset());
    }

    /** Seals tenants' SMTP passwords at rest; only this service can open them. */
    @Bean
    SecretBox secretBox(NotificationProperties.Transports transports) {
        return new SecretBox(transports.secretsKeyset());
    }
}
