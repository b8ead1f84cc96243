package dev.switchboard.gateway;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Import;

import dev.switchboard.platform.events.PlatformKafkaConfiguration;
import dev.switchboard.platform.web.ApiErrorConfiguration;

/** The one public entry point: checks NHN signatures and routes every dialect to its service. */
@SpringBootApplication
@ConfigurationPropertiesScan
@Import({PlatformKafkaConfiguration.class, ApiErrorConfiguration.class})
public class GatewayApplication {

    public static void main(String[] args) {
        SpringApplication.run(GatewayApplication.class, args);
    }
}
