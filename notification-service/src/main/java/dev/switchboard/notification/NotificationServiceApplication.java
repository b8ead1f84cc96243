package dev.switchboard.notification;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

import dev.switchboard.platform.SwitchboardService;

/** Sends the mail Switchboard owes customers and tenants, wrapped in each tenant's layout. */
@SpringBootApplication
@ConfigurationPropertiesScan
@SwitchboardService
public class NotificationServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(NotificationServiceApplication.class, args);
    }
}
