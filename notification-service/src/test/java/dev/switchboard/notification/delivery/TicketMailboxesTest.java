package dev.switchboard.notification.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

class TicketMailboxesTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private MongoServer server;
    private MongoClient client;
    private TicketMailboxes mailboxes;

    @BeforeEach
    void start() {
        server = new MongoServer(new MemoryBackend());
        client = MongoClients.create("mongodb://127.0.0.1:" + server.bind().getPort());
        mailboxes = new TicketMailboxes(new ReactiveMongoTemplate(client, "notification"));
    }

    @AfterEach
    void stop() {
        client.close();
        server.shutdownNow();
    }

    @Test
    void aRedeliveredTicketCreatedKeepsOneMailboxAndTenantsStayApart() {
        mailboxes.remember("acme", "T1", "help@acme.example").block(WAIT);
        mailboxes.remember("acme", "T1", "help@acme.example").block(WAIT);

        assertThat(mailboxes.of("acme", "T1").block(WAIT)).isEqualTo("help@acme.example");
        assertThat(mailboxes.of("other", "T1").blockOptional(WAIT)).isEmpty();
        assertThat(mailboxes.of("acme", "T2").blockOptional(WAIT)).isEmpty();
    }
}
