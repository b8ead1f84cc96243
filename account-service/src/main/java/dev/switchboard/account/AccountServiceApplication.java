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
        // the mailbox workers parse every message they fetch; unless the provider is named, Jakarta Mail looks it
        // up through the ServiceLoader for each MIME part, reading the services files of every jar
        System.getProperties().putIfAbsent("jakarta.mail.util.StreamProvider",
                "org.eclipse.angus.mail.util.MailStreamProvider");
        SpringApplication.run(AccountServiceApplication.class, args);
    }
}
