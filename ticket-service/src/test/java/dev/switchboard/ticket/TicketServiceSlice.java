package dev.switchboard.ticket;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.time.Clock;

import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.FilterType;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.SimpleReactiveMongoDatabaseFactory;
import org.springframework.data.mongodb.core.convert.MappingMongoConverter;
import org.springframework.data.mongodb.core.convert.MongoCustomConversions;
import org.springframework.data.mongodb.core.convert.NoOpDbRefResolver;
import org.springframework.data.mongodb.core.mapping.MongoMappingContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.web.bind.annotation.RestController;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.switchboard.platform.crypto.Keysets;
import dev.switchboard.platform.events.EventMetadataFactory;
import dev.switchboard.platform.events.EventSerde;
import dev.switchboard.platform.outbox.Outbox;
import dev.switchboard.platform.outbox.OutboxRelay;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import reactor.core.publisher.Mono;

/**
 * ticket-service's own beans over the Mongo wire server the local stack runs, without web, Kafka or
 * auto-configuration. Nothing is published: what a change would publish stays in its document's outbox
 * ({@code pendingEvents}), where a test reads it.
 */
@Configuration(proxyBeanMethods = false)
@ComponentScan(basePackages = "dev.switchboard.ticket", excludeFilters = {
        @ComponentScan.Filter(type = FilterType.ASSIGNABLE_TYPE, classes = TicketServiceApplication.class),
        @ComponentScan.Filter(type = FilterType.ANNOTATION, classes = RestController.class)})
@ConfigurationPropertiesScan("dev.switchboard.ticket")
public class TicketServiceSlice {

    /** The private half opens what ticket events seal for notification-service. */
    public static final String CONTACT_KEY = Keysets.newAeadKeyset();
    /** The public half seals inbound envelopes as account-service does. */
    public static final Keysets.KeyPair INBOUND_KEYS = Keysets.newKeyPair();

    /** The service's secrets and settings, as the secret store and the local stack pass them. */
    public static void properties(DynamicPropertyRegistry registry) {
        registry.add("switchboard.ticket.personal-data.keyset", Keysets::newAeadKeyset);
        registry.add("switchboard.ticket.personal-data.hash-key", Keysets::newHashKey);
        registry.add("switchboard.ticket.personal-data.contact-key", () -> CONTACT_KEY);
        registry.add("switchboard.ticket.inbound.private-keyset", INBOUND_KEYS::privateKeyset);
        // an upload event that has not come is not waited for long
        registry.add("switchboard.ticket.attachments.arrival-wait", () -> "200ms");
    }

    @Bean(destroyMethod = "shutdownNow")
    MongoServer mongoServer() {
        return new MongoServer(new MemoryBackend());
    }

    @Bean(destroyMethod = "close")
    MongoClient mongoClient(MongoServer server) {
        return MongoClients.create("mongodb://127.0.0.1:" + server.bind().getPort());
    }

    /** Mapped as the service maps it, with its conversions. */
    @Bean
    ReactiveMongoTemplate reactiveMongoTemplate(MongoClient client, MongoCustomConversions conversions) {
        return new ReactiveMongoTemplate(new SimpleReactiveMongoDatabaseFactory(client, "ticket-slice"),
                mapping(conversions));
    }

    /** The mapping as the service has it, with the given conversions (the service's). */
    public static MappingMongoConverter mapping(MongoCustomConversions conversions) {
        var context = new MongoMappingContext();
        context.setSimpleTypeHolder(conversions.getSimpleTypeHolder());
        context.afterPropertiesSet();
        var converter = new MappingMongoConverter(NoOpDbRefResolver.INSTANCE, context);
        converter.setCustomConversions(conversions);
        converter.afterPropertiesSet();
        return converter;
    }

    @Bean
    EventSerde eventSerde() {
        return new EventSerde();
    }

    @Bean
    EventMetadataFactory eventMetadataFactory() {
        return new EventMetadataFactory("ticket-service", Clock.systemUTC());
    }

    @Bean
    Outbox outbox(EventSerde serde) {
        return new Outbox(serde);
    }

    /** Publishes nothing: the events stay pending in their documents. */
    @Bean
    OutboxRelay outboxRelay() {
        OutboxRelay relay = mock(OutboxRelay.class);
        when(relay.relay(any(), any())).thenReturn(Mono.empty());
        when(relay.relayAndWait(any(), any())).thenReturn(Mono.empty());
        // the real write-then-relay, over the stubbed relay
        when(relay.writeThenRelay(any(), any(), any())).thenCallRealMethod();
        when(relay.claimForInsert()).thenAnswer(call -> new OutboxRelay.InsertClaim("slice",
                java.util.Date.from(java.time.Instant.now().plusSeconds(60))));
        when(relay.relayInserted(any(), any(), any(), any())).thenReturn(Mono.empty());
        return relay;
    }

    @Bean
    MeterRegistry meterRegistry() {
        return new SimpleMeterRegistry();
    }
}
