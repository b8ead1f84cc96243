package dev.switchboard.notification.transport;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.switchboard.notification.config.NotificationProperties;
import dev.switchboard.platform.net.MailHostGuard;

@Configuration(proxyBeanMethods = false)
class TransportConfig {

    /**
     * Tenants' SMTP hosts are checked by the platform's guard, as mailbox hosts are in account-service, with
     * this service's allow-list ({@code switchboard.notification.transports.mail-hosts-allowed}).
     */
    @Bean
    MailHostGuard mailHostGuard(NotificationProperties.Transports transports) {
        return new MailHostGuard(transports.mailHostsAllowed());
    }
}
