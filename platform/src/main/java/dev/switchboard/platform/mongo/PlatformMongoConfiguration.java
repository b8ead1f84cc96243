package dev.switchboard.platform.mongo;

import org.bson.Document;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;

import reactor.core.publisher.Mono;

/**
 * MongoDB health through {@code ping}, which every server and wire-compatible server answers.
 * Spring Boot's own indicator asks {@code hello}, which the local wire server does not know, so each
 * service disables it ({@code management.health.mongodb.enabled=false}) in favour of this one.
 */
@Configuration(proxyBeanMethods = false)
public class PlatformMongoConfiguration {

    @Bean
    ReactiveHealthIndicator mongoPingHealthIndicator(ReactiveMongoTemplate mongo) {
        return () -> mongo.executeCommand(new Document("ping", 1))
                .map(reply -> Health.up().build())
                .onErrorResume(error -> Mono.just(Health.down().withDetail("error", error.toString()).build()));
    }
}
