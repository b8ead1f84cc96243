package dev.switchboard.platform;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.annotation.Import;

import dev.switchboard.platform.events.PlatformKafkaConfiguration;
import dev.switchboard.platform.mongo.PlatformMongoConfiguration;
import dev.switchboard.platform.outbox.OutboxConfiguration;
import dev.switchboard.platform.web.PlatformWebConfiguration;

/**
 * Marks a Switchboard microservice: the NHN envelope and error mapping, the edge trust check,
 * Kafka with Avro events and the MongoDB outbox relay.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Import({PlatformWebConfiguration.class, PlatformKafkaConfiguration.class, PlatformMongoConfiguration.class,
        OutboxConfiguration.class})
public @interface SwitchboardService {
}
