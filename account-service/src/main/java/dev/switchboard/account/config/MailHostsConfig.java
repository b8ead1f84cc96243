package dev.switchboard.account.config;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.switchboard.platform.net.MailHostGuard;

@Configuration(proxyBeanMethods = false)
class MailHostsConfig {

    /** Mailbox servers are checked by the platform's guard, with this service's allow-list. */
    @Bean
    MailHostGuard mailHostGuard(AccountProperties properties) {
        return new MailHostGuard(properties.mailHostsAllowed());
    }
}
