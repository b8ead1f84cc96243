package dev.switchboard.account.external;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.switchboard.account.external.EMailAgentBodies.EMailAccountView;

/** Fetch health on the external account against the Mongo wire server: counting, resetting, disabling once. */
class ExternalAccountsHealthTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private MongoServer server;
    private MongoClient client;
    private ExternalAccountsFixture fixture;
    private ExternalAccounts accounts;
    private String mailboxId;

    @BeforeEach
    void start() {
        server = new MongoServer(new MemoryBackend());
        client = MongoClients.create("mongodb://127.0.0.1:" + server.bind().getPort());
        fixture = new ExternalAccountsFixture(new ReactiveMongoTemplate(client, "accounts"));
        accounts = fixture.accounts();
        mailboxId = fixture.insert("t1", 1, "support@example.com", 143, "secret", false);
    }

    @AfterEach
    void stop() {
        client.close();
        server.shutdownNow();
    }

    private static final MailFailure WRONG_PASSWORD = new MailFailure(MailFailure.Kind.AUTHENTICATION_FAILED,
            "authentication failed");
    private static final MailFailure DOWN = new MailFailure(MailFailure.Kind.UNREACHABLE,
            "host unreachable: nothing accepts connections at 127.0.0.1:143");

    @Test
    void failuresCountWithTheirReasonAndASuccessResetsThem() {
        assertThat(accounts.fetchFailed(mailboxId, WRONG_PASSWORD, 5).block(WAIT))
                .isEqualTo(new ExternalAccounts.FailureCount(1, false));
        assertThat(accounts.fetchFailed(mailboxId, DOWN, 5).block(WAIT))
                .isEqualTo(new ExternalAccounts.FailureCount(2, false));

        var failing = fixture.view(mailboxId);
        assertThat(failing.accountStatus()).isEqualTo(AccountStatus.FAILING.code());
        assertThat(failing.errorCount()).isEqualTo(2);
        assertThat(failing.errorReason()).startsWith("UNREACHABLE: host unreachable");
        assertThat(failing.lastFetchDt()).isNull();
        assertThat(failing.password()).isEqualTo(ExternalAccounts.MASK);

        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        accounts.fetchSucceeded(mailboxId, at).block(WAIT);
        var ok = fixture.view(mailboxId);
        assertThat(ok.accountStatus()).isEqualTo(AccountStatus.OK.code());
        assertThat(ok.errorCount()).isZero();
        assertThat(ok.errorReason()).isEmpty();
        assertThat(ok.lastFetchDt()).isEqualTo(at.toEpochMilli());
    }

    @Test
    void theNthConsecutiveFailureDisablesTheMailboxOnceWithTheReason() {
        for (int i = 1; i < 3; i++) {
            assertThat(accounts.fetchFailed(mailboxId, WRONG_PASSWORD, 3).block(WAIT).disabled()).isFalse();
        }
        assertThat(accounts.fetchFailed(mailboxId, WRONG_PASSWORD, 3).block(WAIT))
                .isEqualTo(new ExternalAccounts.FailureCount(3, true));
        // a disabled mailbox is not fetched; a late failure report changes nothing
        assertThat(accounts.fetchFailed(mailboxId, WRONG_PASSWORD, 3).blockOptional(WAIT)).isEmpty();
        accounts.fetchSucceeded(mailboxId, Instant.now()).block(WAIT);

        var view = fixture.view(mailboxId);
        assertThat(view.active()).isFalse();
        assertThat(view.accountStatus()).isEqualTo(AccountStatus.FAILED.code());
        assertThat(view.errorCount()).isEqualTo(3);
        assertThat(fixture.pendingEventTypes(mailboxId)).containsExactly(
                "dev.switchboard.events.mailbox.ExternalAccountDisabled");
        assertThat(fixture.disabledReasons(mailboxId)).singleElement().asString()
                .startsWith("AUTHENTICATION_FAILED: authentication failed").contains("3 consecutive");
        assertThat(accounts.watched().collectList().block(WAIT)).isEmpty();
    }

    @Test
    void superOfficeShowsTheSameHealthAndEnablingStartsTheCountAfresh() {
        for (int i = 0; i < 2; i++) {
            accounts.fetchFailed(mailboxId, WRONG_PASSWORD, 2).block(WAIT);
        }
        var superOffice = EMailAccountView.of(accounts.find("t1", 1).block(WAIT));
        assertThat(superOffice.accountStatus()).isEqualTo(3);
        assertThat(superOffice.errorCount()).isEqualTo(2);
        assertThat(superOffice.errorReason()).startsWith("AUTHENTICATION_FAILED");

        fixture.enable("t1", 1);
        var enabled = fixture.view(mailboxId);
        assertThat(enabled.active()).isTrue();
        assertThat(enabled.accountStatus()).isEqualTo(AccountStatus.UNKNOWN.code());
        assertThat(enabled.errorCount()).isZero();
        assertThat(accounts.fetchFailed(mailboxId, WRONG_PASSWORD, 2).block(WAIT))
                .isEqualTo(new ExternalAccounts.FailureCount(1, false));
        assertThat(accounts.watched().map(WatchedMailbox::mailboxId).collectList().block(WAIT))
                .containsExactly(mailboxId);
    }

    @Test
    void credentialsOpenThePasswordForTheStoredServerOnly() {
        var credentials = accounts.credentials(mailboxId).block(WAIT);
        assertThat(credentials.password()).isEqualTo("secret");
        assertThat(credentials.mailbox().host()).isEqualTo("127.0.0.1");
        assertThat(credentials.toString()).doesNotContain("secret");
        assertThat(accounts.credentials("t1:99").blockOptional(WAIT)).isEmpty();
    }
}
