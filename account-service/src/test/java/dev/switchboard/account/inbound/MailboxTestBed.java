package dev.switchboard.account.inbound;

import java.io.ByteArrayInputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.bson.Document;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.switchboard.account.external.ExternalAccountsFixture;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.mail.Folder;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import reactor.core.publisher.Mono;

/**
 * What the fetcher's tests run against: the Mongo wire server the local stack runs, GreenMail's IMAP (with IDLE,
 * MOVE and UIDPLUS) and SMTP on 127.0.0.1, external accounts stored as the API stores them, and a sink that
 * records every message it is offered.
 */
final class MailboxTestBed implements AutoCloseable {

    static final String TENANT = "t1";
    static final String PASSWORD = "imap-secret";
    static final Duration WAIT = Duration.ofSeconds(20);

    final MongoServer mongoServer = new MongoServer(new MemoryBackend());
    final MongoClient client;
    final ReactiveMongoTemplate mongo;
    final GreenMail greenMail = new GreenMail(new com.icegreen.greenmail.util.ServerSetup[] {
            ServerSetupTest.IMAP.dynamicPort(), ServerSetupTest.SMTP.dynamicPort()});
    final ExternalAccountsFixture accounts;
    final RecordingSink sink = new RecordingSink();
    private final List<MailboxFetcher> fetchers = new ArrayList<>();
    private final AtomicInteger accountIds = new AtomicInteger();

    MailboxTestBed() {
        client = MongoClients.create("mongodb://127.0.0.1:" + mongoServer.bind().getPort());
        mongo = new ReactiveMongoTemplate(client, "accounts");
        greenMail.start();
        accounts = new ExternalAccountsFixture(mongo);
    }

    /** Fast settings for tests, with the given ones on top (names as in application.yml). */
    static InboundProperties properties(Map<String, String> overrides) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("claim-interval", "200ms");
        values.put("lease", "2s");
        values.put("poll-interval", "500ms");
        values.put("idle-renewal", "5s");
        values.put("backoff-initial", "100ms");
        values.put("backoff-max", "400ms");
        values.putAll(overrides);
        Map<String, String> prefixed = new LinkedHashMap<>();
        values.forEach((name, value) -> prefixed.put("switchboard.account.inbound." + name, value));
        return new Binder(new MapConfigurationPropertySource(prefixed))
                .bindOrCreate("switchboard.account.inbound", InboundProperties.class);
    }

    MailboxFetcher fetcher(InboundProperties properties, MessageSink sink, SimpleMeterRegistry registry) {
        return fetcher(properties, new MailboxDirectory(accounts.accounts(), mongo, properties), sink, registry);
    }

    MailboxFetcher fetcher(InboundProperties properties, MailboxDirectory directory, MessageSink sink,
                           SimpleMeterRegistry registry) {
        var fetcher = new MailboxFetcher(directory, accounts.sessions(), accounts.accounts(), mongo, properties, sink, registry, Clock.systemUTC());
        fetchers.add(fetcher);
        return fetcher;
    }

    List<MailboxFetcher> fetchers() {
        return fetchers;
    }

    MailboxFetcher started(InboundProperties properties) {
        var fetcher = fetcher(properties, sink, new SimpleMeterRegistry());
        fetcher.start();
        return fetcher;
    }

    /** An IMAP user on GreenMail and its external account; returns the mailbox id. */
    String mailbox(String address, boolean mailDel) {
        return mailbox(address, PASSWORD, mailDel);
    }

    String mailbox(String address, String storedPassword, boolean mailDel) {
        greenMail.setUser(address, address, PASSWORD);
        return accounts.insert(TENANT, accountIds.incrementAndGet(), address, imapPort(), storedPassword, mailDel);
    }

    int imapPort() {
        return greenMail.getImap().getPort();
    }

    void deliver(String to, String subject) {
        GreenMailUtil.sendTextEmail(to, "customer@example.com", subject, "Hello", greenMail.getSmtp().getServerSetup());
    }

    MailboxStates states() {
        return new MailboxStates(mongo, Clock.systemUTC());
    }

    Document state(String mailboxId) {
        return states().find(mailboxId).block(WAIT);
    }

    /** The UIDVALIDITY and UIDs of a folder as an IMAP client sees them. */
    <T> T folder(String address, String name, Function<IMAPFolder, T> read) {
        try {
            Store store = Session.getInstance(new Properties()).getStore("imap");
            store.connect("127.0.0.1", imapPort(), address, PASSWORD);
            try {
                IMAPFolder folder = (IMAPFolder) store.getFolder(name);
                if (!folder.exists()) {
                    folder.create(Folder.HOLDS_MESSAGES);
                }
                folder.open(Folder.READ_ONLY);
                try {
                    return read.apply(folder);
                } finally {
                    folder.close(false);
                }
            } finally {
                store.close();
            }
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    long[] uids(String address, String folderName) {
        return folder(address, folderName, folder -> {
            try {
                var messages = folder.getMessages();
                long[] uids = new long[messages.length];
                for (int i = 0; i < messages.length; i++) {
                    uids[i] = folder.getUID(messages[i]);
                }
                return uids;
            } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    long uidValidity(String address) {
        return folder(address, "INBOX", folder -> {
            try {
                return folder.getUIDValidity();
            } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Override
    public void close() {
        fetchers.forEach(MailboxFetcher::stop);
        fetchers.forEach(MailboxFetcher::destroy);
        greenMail.stop();
        client.close();
        mongoServer.shutdownNow();
    }

    /** Records what it is offered; a key offered again is a duplicate, as the real sink answers it. */
    static final class RecordingSink implements MessageSink {

        final List<FetchedMessage> offered = new CopyOnWriteArrayList<>();
        private final Set<String> keys = ConcurrentHashMap.newKeySet();
        volatile Function<FetchedMessage, Mono<?>> behaviour = message -> Mono.empty();

        @Override
        public Mono<InboundOutcome> accept(FetchedMessage message) {
            return behaviour.apply(message).then(Mono.fromSupplier(() -> {
                offered.add(message);
                return keys.add(message.key()) ? new InboundOutcome(InboundOutcome.Kind.PUBLISHED, null)
                        : new InboundOutcome(InboundOutcome.Kind.DUPLICATE, "offered before");
            }));
        }

        List<FetchedMessage> of(String mailboxId) {
            return offered.stream().filter(message -> message.mailboxId().equals(mailboxId)).toList();
        }

        List<Long> uids(String mailboxId) {
            return of(mailboxId).stream().map(FetchedMessage::uid).toList();
        }

        List<String> subjects(String mailboxId) {
            return of(mailboxId).stream().map(RecordingSink::subject).toList();
        }

        static String subject(FetchedMessage message) {
            try {
                return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(message.raw()))
                        .getSubject();
            } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
