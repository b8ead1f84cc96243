package dev.switchboard.notification.config;

import java.util.Properties;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.mail.javamail.JavaMailSenderImpl;

@Configuration(proxyBeanMethods = false)
class MailConfig {

    /** The platform relay; short timeouts so a stuck server fails a delivery instead of a consumer. */
    @Bean
    JavaMailSenderImpl platformRelay(NotificationProperties properties) {
        var relay = properties.relay();
        var sender = new JavaMailSenderImpl();
        sender.setHost(relay.host());
        sender.setPort(relay.port());
        sender.setUsername(relay.username());
        sender.setPassword(relay.password());
        sender.setDefaultEncoding("UTF-8");
        Properties smtp = new Properties();
        smtp.put("mail.smtp.auth", String.valueOf(relay.username() != null));
        smtp.put("mail.smtp.starttls.enable", String.valueOf(relay.startTls()));
        smtp.put("mail.smtp.starttls.required", String.valueOf(relay.startTls()));
        smtp.put("mail.smtp.connectiontimeout", String.valueOf(relay.connectTimeout().toMillis()));
        smtp.put("mail.smtp.timeout", String.valueOf(relay.readTimeout().toMillis()));
        smtp.put("mail.smtp.writetimeout", String.valueOf(relay.readTimeout().toMillis()));
        sender.setJavaMailProperties(smtp);
        return sender;
    }
}
