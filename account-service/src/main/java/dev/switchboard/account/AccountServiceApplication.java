package dev.switchboard.account;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

import dev.switchboard.platform.SwitchboardService;

/** Owns tenants and their credentials, sender settings and inbound mailboxes. */
@SpringBootApplication
@ConfigurationPropertiesScan
@SwitchboardService
public class AccountServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(AccountServiceApplication.class, args);
    }
}
