package dev.switchboard.ticket;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

import dev.switchboard.platform.SwitchboardService;

/** Owns categories, form fields, tickets, their replies and history. */
@SpringBootApplication
@ConfigurationPropertiesScan
@SwitchboardService
public class TicketServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(TicketServiceApplication.class, args);
    }
}
