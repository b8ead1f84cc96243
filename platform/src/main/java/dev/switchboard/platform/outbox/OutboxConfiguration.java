package dev.switchboard.platform.outbox;

import java.time.Clock;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;

import dev.switchboard.platform.events.EventPublisher;
import dev.switchboard.platform.events.EventSerde;

/** The outbox of a service that stores aggregates in MongoDB. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(OutboxProperties.class)
public class OutboxConfiguration {

    @Bean
    Outbox outbox(EventSerde serde) {
        return new Outbox(serde);
    }

    @Bean
    OutboxRelay outboxRelay(ReactiveMongoTemplate mongo, EventPublisher publisher, OutboxProperties properties) {
        return new OutboxRelay(mongo, publisher, properties, Clock.systemUTC());
    }

    /** The sweep for what the relay after each write missed; it declares its index first. */
    @Bean
    PeriodicTask outboxSweep(OutboxRelay relay, OutboxProperties properties) {
        return new PeriodicTask("outbox-sweep", properties.sweepInterval(), properties.sweepTimeout(),
                relay.declareIndexes(), relay::sweep);
    }

    @Bean
    PeriodicTaskHealth periodicTasks(ObjectProvider<PeriodicTask> tasks) {
        return new PeriodicTaskHealth(tasks);
    }
}
