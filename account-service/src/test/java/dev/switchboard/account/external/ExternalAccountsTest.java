package dev.switchboard.account.external;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.UpdateDefinition;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import com.mongodb.client.result.UpdateResult;

import dev.switchboard.account.external.EMailAgentBodies.AuthenticateRequest;
import dev.switchboard.account.external.EMailAgentBodies.EMailAccount;
import dev.switchboard.account.external.EMailAgentBodies.ServiceAuth;
import dev.switchboard.platform.crypto.Keysets;
import dev.switchboard.platform.crypto.SecretBox;
import dev.switchboard.platform.edge.EdgeTrustFilter;
import dev.switchboard.platform.events.EventMetadataFactory;
import dev.switchboard.platform.events.EventSerde;
import dev.switchboard.platform.outbox.Outbox;
import dev.switchboard.platform.outbox.OutboxRelay;
import dev.switchboard.platform.web.NhnApiException;
import reactor.core.publisher.Mono;

/** Mailbox edits, logins by account id, enable and delete, with Mongo and the mail servers mocked. */
class ExternalAccountsTest {

    private static final String TENANT = "t1";
    private static final String MAIL = "support@example.com";

    private final ReactiveMongoTemplate mongo = mock(ReactiveMongoTemplate.class);
    private final MailVerifier verifier = mock(MailVerifier.class);
    private final OutboxRelay relay = mock(OutboxRelay.class);
    private final SecretBox secrets = new SecretBox(Keysets.newAeadKeyset());
    private final ExternalAccounts accounts = new ExternalAccounts(mongo, verifier, secrets,
            new EventMetadataFactory("account-service", Clock.systemUTC()), new Outbox(new EventSerde()), relay);
    private final EMailAgentController superOffice = new EMailAgentController(accounts);
    private final ExternalAccount stored = stored();

    private ExternalAccount stored() {
        String id = ExternalAccount.mailboxId(TENANT, 1);
        return new ExternalAccount(id, TENANT, 1, "Support", "imap.example.com", 993, true, MAIL, null,
                secrets.seal("stored-secret", ExternalAccount.passwordContext(id)),
                new ExternalAccount.OutgoingServer("smtp.example.com", 465, true, null,
                        secrets.seal("stored-smtp-secret", ExternalAccount.outgoingPasswordContext(id))),
                null, null, false, true, Instant.now(), Instant.now(), List.of());
    }

    private void storedMailboxIsFound() {
        when(mongo.findOne(any(Query.class), eq(ExternalAccount.class))).thenReturn(Mono.just(stored));
        when(relay.relay(anyString(), any())).thenReturn(Mono.empty());
        when(relay.relayAndWait(anyString(), any())).thenReturn(Mono.empty());
        // the real write-then-relay, over the stubbed relay
        when(relay.writeThenRelay(any(), any(), any())).thenCallRealMethod();
    }

    private static MailboxDraft nhnEdit(String host, int port, boolean ssl, String password) {
        return new ExternalAccountRequests.ExternalAccountBody(1, "Support", true, host, port, ssl, MAIL, password,
                false, null).draft();
    }

    private static void assertValidationError(Mono<?> call, String message) {
        assertThatThrownBy(() -> call.block(Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(NhnApiException.class, e -> assertThat(e.status().value()).isEqualTo(400))
                .hasMessageContaining(message);
    }

    private void nothingWasWrittenAndNoServerWasAsked() {
        verifyNoInteractions(verifier);
        verify(mongo, never()).findAndModify(any(Query.class), any(UpdateDefinition.class),
                any(FindAndModifyOptions.class), eq(ExternalAccount.class));
    }

    @Test
    void nhnEditToANewHostWithoutPasswordIsRefusedBeforeAnyLogin() {
        storedMailboxIsFound();
        assertValidationError(accounts.edit(TENANT, 1, nhnEdit("imap.attacker.example", 993, true, ExternalAccounts.MASK),
                null), "password is required");
        assertValidationError(accounts.edit(TENANT, 1, nhnEdit("imap.example.com", 143, true, null), null),
                "password is required");
        assertValidationError(accounts.edit(TENANT, 1, nhnEdit("imap.example.com", 993, false, null), null),
                "password is required");
        nothingWasWrittenAndNoServerWasAsked();
    }

    @Test
    void nhnEditOfTheSameServerLogsInWithTheStoredPasswordAndOnlyWhileNotDeleted() {
        storedMailboxIsFound();
        when(verifier.imap(anyString(), anyInt(), anyBoolean(), anyString(), anyString()))
                .thenReturn(new MailVerifier.Outcome(null));
        when(mongo.findAndModify(any(Query.class), any(UpdateDefinition.class), any(FindAndModifyOptions.class),
                eq(ExternalAccount.class))).thenReturn(Mono.just(stored));

        accounts.edit(TENANT, 1, nhnEdit("imap.example.com", 993, true, ExternalAccounts.MASK), null)
                .block(Duration.ofSeconds(5));

        verify(verifier).imap("imap.example.com", 993, true, MAIL, "stored-secret");
        var query = ArgumentCaptor.forClass(Query.class);
        verify(mongo).findAndModify(query.capture(), any(UpdateDefinition.class), any(FindAndModifyOptions.class),
                eq(ExternalAccount.class));
        assertThat(query.getValue().getQueryObject().get("deleted")).isEqualTo(new Document("$ne", true));
    }

    @Test
    void superOfficeSaveWithANewOutgoingHostWithoutPasswordIsRefused() {
        storedMailboxIsFound();
        var body = new EMailAccount(1, MAIL, null, null,
                new ServiceAuth(null, "smtp.attacker.example", 465, "password", null, ExternalAccounts.MASK),
                null, null, null, null, null, null, null, null, null);
        assertValidationError(superOffice.save(body, exchange(), null), "outgoing (SMTP) password is required");
        var newUser = new EMailAccount(1, MAIL, null,
                new ServiceAuth(null, "imap.example.com", 993, "password", "admin@example.com", null),
                null, null, null, null, null, null, null, null, null, null);
        assertValidationError(superOffice.save(newUser, exchange(), null), "password is required");
        nothingWasWrittenAndNoServerWasAsked();
    }

    @Test
    void superOfficeAuthenticateByAccountIdSendsTheStoredPasswordOnlyToTheStoredServer() {
        storedMailboxIsFound();
        var elsewhere = new AuthenticateRequest(1, null,
                new ServiceAuth(null, "imap.attacker.example", 993, null, null, null), null);
        assertValidationError(superOffice.authenticateIncoming(elsewhere, exchange()), "IncomingCredentials.Password");
        var plain = new AuthenticateRequest(1, null, null,
                new ServiceAuth(null, "smtp.example.com", 587, null, null, ExternalAccounts.MASK));
        assertValidationError(superOffice.authenticateOutgoing(plain, exchange()), "OutgoingCredentials.Password");
        var otherUser = new AuthenticateRequest(1, "other@example.com", null, null);
        when(verifier.imap(anyString(), anyInt(), anyBoolean(), anyString(), anyString()))
                .thenReturn(new MailVerifier.Outcome(null));
        // without credentials the stored server is used as stored, user name included
        assertThat(superOffice.authenticateIncoming(otherUser, exchange()).block(Duration.ofSeconds(5)).getBody())
                .isTrue();
        verify(verifier).imap("imap.example.com", 993, true, MAIL, "stored-secret");
    }

    @Test
    void enablingADeletedMailboxDoesNotReviveIt() {
        var disabled = new ExternalAccount(stored.mailboxId(), TENANT, 1, "Support", stored.host(), 993, true, MAIL,
                null, stored.sealedPassword(), null, null, null, false, false, Instant.now(), Instant.now(), List.of());
        when(relay.writeThenRelay(any(), any(), any())).thenCallRealMethod();
        // read before the delete, gone by the time the conditional update runs
        when(mongo.findOne(any(Query.class), eq(ExternalAccount.class)))
                .thenReturn(Mono.just(disabled), Mono.empty());
        when(mongo.findAndModify(any(Query.class), any(UpdateDefinition.class), any(FindAndModifyOptions.class),
                eq(ExternalAccount.class))).thenReturn(Mono.empty());

        assertThatThrownBy(() -> accounts.setActive(TENANT, 1, true, null).block(Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(NhnApiException.class, e -> assertThat(e.status().value()).isEqualTo(404));
        var query = ArgumentCaptor.forClass(Query.class);
        verify(mongo).findAndModify(query.capture(), any(UpdateDefinition.class), any(FindAndModifyOptions.class),
                eq(ExternalAccount.class));
        assertThat(query.getValue().getQueryObject().get("deleted")).isEqualTo(new Document("$ne", true));
    }

    @Test
    void aDeleteThatLostTheRaceRemovesNothing() {
        var disabled = new ExternalAccount(stored.mailboxId(), TENANT, 1, "Support", stored.host(), 993, true, MAIL,
                null, stored.sealedPassword(), null, null, null, false, false, Instant.now(), Instant.now(), List.of());
        var enabledMeanwhile = stored;
        when(mongo.findOne(any(Query.class), eq(ExternalAccount.class)))
                .thenReturn(Mono.just(disabled), Mono.just(enabledMeanwhile));
        when(mongo.updateFirst(any(Query.class), any(UpdateDefinition.class), eq(ExternalAccount.class)))
                .thenReturn(Mono.just(UpdateResult.acknowledged(0, 0L, null)));

        assertValidationError(accounts.delete(TENANT, 1, true, null), "disable it before deleting it");
        verify(mongo, never()).remove(any(Query.class), eq(ExternalAccount.class));
    }

    private static MockServerWebExchange exchange() {
        var exchange = MockServerWebExchange.from(MockServerHttpRequest.post("/api/v1/Agents/EMail/x"));
        exchange.getAttributes().put(EdgeTrustFilter.TENANT_ATTRIBUTE, TENANT);
        return exchange;
    }
}
