package dev.switchboard.notification.config;

import java.util.Properties;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.mail.javamail.JavaMailSenderImpl;

@Configuration(proxyBeanMethods = false)
class MailConfig {

    /**
     * The platform relay; short timeouts per step so a stuck server fails a delivery instead of a consumer (the
     * whole conversation is bounded by {@code relay.sendTimeout} where the mail is sent).
     */
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
        smtp.put("mail.smtp.writetimeout", String.valueOf(relay.writeTimeout().toMillis()));
        // once the server has accepted the mail, a silent QUIT must not turn it into a failure that is sent again
        smtp.put("mail.smtp.quitwait", "false");
        sender.setJavaMailProperties(smtp);
        return sender;
    }
}
