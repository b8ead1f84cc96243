package dev.switchboard.attachment;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

import dev.switchboard.platform.SwitchboardService;

/** Owns attachment files (GridFS) and their metadata: upload, open/download, delete, expiry of unreferenced uploads. */
@SpringBootApplication
@ConfigurationPropertiesScan
@SwitchboardService
public class AttachmentServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(AttachmentServiceApplication.class, args);
    }
}
