package dev.switchboard.notification.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.http.HttpStatus;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.switchboard.notification.config.NotificationProperties;
import dev.switchboard.notification.transport.EmailSettingsBodies.Auth;
import dev.switchboard.notification.transport.EmailSettingsBodies.EmailSettingsRequest;
import dev.switchboard.notification.transport.EmailSettingsBodies.Options;
import dev.switchboard.platform.crypto.Keysets;
import dev.switchboard.platform.crypto.SecretBox;
import dev.switchboard.platform.net.MailHostGuard;
import dev.switchboard.platform.web.NhnApiException;
import reactor.core.publisher.Mono;

/** The rules behind the API that its calls cannot easily reach: hosts and addresses, and racing updates. */
class EmailSettingsServiceTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private MongoServer mongoServer;
    private MongoClient client;
    private ReactiveMongoTemplate mongo;

    @BeforeEach
    void start() {
        mongoServer = new MongoServer(new MemoryBackend());
        client = MongoClients.create("mongodb://127.0.0.1:" + mongoServer.bind().getPort());
        mongo = new ReactiveMongoTemplate(client, "notification");
    }

    @AfterEach
    void stop() {
        client.close();
        mongoServer.shutdownNow();
    }

    @ParameterizedTest
    @ValueSource(strings = {"m.webitel.com", "smtp.gmail.com.", "localhost", "mail_relay.example.com", "93.184.216.34",
            "2001:4860:4860::8888", "::1"})
    void acceptsHostNamesAndAddressLiterals(String host) {
        assertThat(EmailSettingsService.host(host)).isEqualTo(host);
    }

    @ParameterizedTest
    @ValueSource(strings = {"[::1]", "smtp.example.com:25", "smtp://example.com", "a..b", "-a.example.com",
            "256.1.1.1", "1.2.3", "fe80::1%eth0", "host/path", "exa mple.com"})
    void refusesAnythingElseAsHost(String host) {
        assertThatThrownBy(() -> EmailSettingsService.host(host)).isInstanceOf(NhnApiException.class)
                .hasMessageContaining("options.host");
    }

    @ParameterizedTest
    @ValueSource(strings = {"my@webitel.com", "first.last+tag@sub.example.co.uk"})
    void acceptsBareAddresses(String address) {
        assertThat(EmailSettingsService.address("from", address)).isEqualTo(address);
    }

    @ParameterizedTest
    @ValueSource(strings = {"webitel.com", "me@localhost", "Me <my@webitel.com>", "a@b@c.com", "my@webitel..com",
            "my@webitel.com\r\nBcc: x@y.z"})
    void refusesAnythingElseAsAddress(String address) {
        assertThatThrownBy(() -> EmailSettingsService.address("from", address)).isInstanceOf(NhnApiException.class)
                .hasMessageContaining("from");
    }

    @Test
    void anUpdateThatKeepsLosingTheRaceIsAConflictAfterItsRetries() {
        var transports = new NotificationProperties.Transports(Keysets.newAeadKeyset(), List.of(),
                Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(20), Duration.ofSeconds(10));
        var attempts = new AtomicInteger();
        // every write finds that another instance changed the settings since they were read
        var store = new SmtpSettingsStore(mongo, transports) {
            @Override
            Mono<SmtpSettings> replace(SmtpSettings settings, long expectedVersion) {
                attempts.incrementAndGet();
                return Mono.empty();
            }
        };
        store.afterPropertiesSet();
        var secrets = new SecretBox(transports.secretsKeyset());
        var guard = new MailHostGuard(List.of());
        var service = new EmailSettingsService(store, new TenantSmtpSettings(store, secrets), secrets, guard,
                new SmtpProbe(guard, transports));
        var request = new EmailSettingsRequest("smtp", "My Setting", "my@webitel.com",
                new Options("93.184.216.34", 465, true, false, null, new Auth("my@webitel.com", "secret")));
        service.create("svc-a", "my.webitel.com", request).block(WAIT);

        assertThatThrownBy(() -> service.update("svc-a", "my.webitel.com", request).block(WAIT))
                .isInstanceOfSatisfying(NhnApiException.class,
                        conflict -> assertThat(conflict.status()).isEqualTo(HttpStatus.CONFLICT));
        assertThat(attempts).hasValue(EmailSettingsService.UPDATE_ATTEMPTS);
    }
}
