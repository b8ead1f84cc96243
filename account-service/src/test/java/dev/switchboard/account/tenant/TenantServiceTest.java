package dev.switchboard.account.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.data.mongodb.core.query.UpdateDefinition;

import dev.switchboard.account.config.AccountProperties;
import dev.switchboard.events.tenant.TenantChanged;
import dev.switchboard.platform.crypto.HybridSeal;
import dev.switchboard.platform.crypto.Keysets;
import dev.switchboard.platform.crypto.SecretBox;
import dev.switchboard.platform.events.EventMetadataFactory;
import dev.switchboard.platform.events.EventSerde;
import dev.switchboard.platform.outbox.Outbox;
import dev.switchboard.platform.outbox.OutboxRelay;
import dev.switchboard.platform.outbox.PendingEvent;
import dev.switchboard.platform.web.NhnApiException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Tenant changes as versioned, conditional updates whose snapshot shows the result; credentials shown once. */
class TenantServiceTest {

    private static final String SERVICE = "svc1";
    private static final Duration LIFETIME = Duration.ofDays(30);

    private final ReactiveMongoTemplate mongo = mock(ReactiveMongoTemplate.class);
    private final OutboxRelay relay = mock(OutboxRelay.class);
    private final SecretBox secrets = new SecretBox(Keysets.newAeadKeyset());
    private final Keysets.KeyPair edge = Keysets.newKeyPair();
    private final HybridSeal.Opener edgeOpener = new HybridSeal.Opener(edge.privateKeyset());
    private final EventSerde serde = new EventSerde();
    private final TenantService tenants = new TenantService(mongo, secrets, new HybridSeal.Sealer(edge.publicKeyset()),
            new EventMetadataFactory("account-service", Clock.systemUTC()), new Outbox(serde), relay,
            new AccountProperties("t", "k", "e", "oc.example", List.of(), Duration.ofSeconds(5), Duration.ofSeconds(10),
                    Duration.ofSeconds(20), LIFETIME));

    private Tenant tenant(boolean enabled, int version, String agentSecret) {
        return new Tenant(SERVICE, "org1", "acme", secrets.seal("k".repeat(32), Tenant.keyContext(SERVICE)), version,
                secrets.seal(agentSecret, Tenant.agentSecretContext(SERVICE)), null, null, null, enabled, Instant.EPOCH,
                Instant.EPOCH, List.of());
    }

    private final ArgumentCaptor<Query> queries = ArgumentCaptor.forClass(Query.class);
    private final ArgumentCaptor<UpdateDefinition> updates = ArgumentCaptor.forClass(UpdateDefinition.class);

    @SafeVarargs
    private void updatesReturn(Mono<Tenant> first, Mono<Tenant>... more) {
        when(mongo.findAndModify(any(Query.class), any(UpdateDefinition.class), any(FindAndModifyOptions.class),
                eq(Tenant.class))).thenReturn(first, more);
        when(relay.relay(anyString(), any())).thenReturn(Mono.empty());
        when(relay.relayAndWait(anyString(), any())).thenReturn(Mono.empty());
        // the real write-then-relay, over the stubbed relay
        when(relay.writeThenRelay(any(), any(), any())).thenCallRealMethod();
    }

    private TenantChanged event(UpdateDefinition update) {
        Document push = (Document) ((Update) update).getUpdateObject().get("$push");
        PendingEvent pending = (PendingEvent) push.get("pendingEvents");
        return (TenantChanged) serde.decode(pending.type(), pending.payload());
    }

    @Test
    void disablingSetsOnlyEnabledRaisesTheVersionAndPublishesThatVersion() {
        when(mongo.findById(SERVICE, Tenant.class)).thenReturn(Mono.just(tenant(true, 3, "a".repeat(32))));
        updatesReturn(Mono.just(tenant(false, 4, "a".repeat(32))));

        var view = tenants.setEnabled(SERVICE, false, null).block(Duration.ofSeconds(5));

        assertThat(view.enabled()).isFalse();
        assertThat(view.keyVersion()).isEqualTo(4);
        verify(mongo).findAndModify(queries.capture(), updates.capture(), any(FindAndModifyOptions.class),
                eq(Tenant.class));
        assertThat(queries.getValue().getQueryObject()).containsEntry("_id", SERVICE).containsEntry("keyVersion", 3);
        Document update = ((Update) updates.getValue()).getUpdateObject();
        assertThat(((Document) update.get("$set")).keySet()).containsExactlyInAnyOrder("enabled", "updatedAt");
        assertThat(update.get("$inc")).isEqualTo(new Document("keyVersion", 1));
        TenantChanged event = event(updates.getValue());
        assertThat(event.getKeyVersion()).isEqualTo(4);
        assertThat(event.getEnabled()).isFalse();
    }

    @Test
    void aChangeWrittenForARequestThatLeftStillHasItsSnapshotRelayedAtOnce() {
        when(mongo.findById(SERVICE, Tenant.class)).thenReturn(Mono.just(tenant(true, 3, "a".repeat(32))));
        // the update is on its way to the database when the client leaves (or the gateway's timeout fires)
        updatesReturn(Mono.just(tenant(false, 4, "a".repeat(32))).delayElement(Duration.ofMillis(200)));

        tenants.setEnabled(SERVICE, false, null).subscribe().dispose();

        verify(relay, org.mockito.Mockito.timeout(10_000)).relayAndWait(Tenant.COLLECTION, SERVICE);
    }

    @Test
    void aConcurrentChangeMakesTheChangeReadAgainAndBuildOnIt() {
        // a rotation of the agent secret happened between the read and the update
        when(mongo.findById(SERVICE, Tenant.class)).thenReturn(Mono.just(tenant(true, 3, "a".repeat(32))),
                Mono.just(tenant(true, 4, "b".repeat(32))));
        updatesReturn(Mono.empty(), Mono.just(tenant(false, 5, "b".repeat(32))));

        tenants.setEnabled(SERVICE, false, null).block(Duration.ofSeconds(5));

        verify(mongo, times(2)).findAndModify(queries.capture(), updates.capture(), any(FindAndModifyOptions.class),
                eq(Tenant.class));
        assertThat(queries.getAllValues().get(1).getQueryObject()).containsEntry("keyVersion", 4);
        TenantChanged event = event(updates.getAllValues().get(1));
        assertThat(event.getKeyVersion()).isEqualTo(5);
        // the snapshot carries the rotated secret, not the one read before the rotation
        byte[] sealed = bytes(event.getEdgeSealedAgentSecret());
        assertThat(edgeOpener.open(sealed, HybridSeal.agentSecretContext(SERVICE))).isEqualTo("b".repeat(32));
    }

    @Test
    void settingTheAgentSecretSetsOnlyItAndRaisesTheVersion() {
        when(mongo.findById(SERVICE, Tenant.class)).thenReturn(Mono.just(tenant(false, 7, "a".repeat(32))));
        updatesReturn(Mono.just(tenant(false, 8, "c".repeat(32))));

        var view = tenants.setAgentSecret(SERVICE, "c".repeat(32), null).block(Duration.ofSeconds(5));

        assertThat(view.agentSecret()).isEqualTo("c".repeat(32));
        verify(mongo).findAndModify(queries.capture(), updates.capture(), any(FindAndModifyOptions.class),
                eq(Tenant.class));
        Document update = ((Update) updates.getValue()).getUpdateObject();
        assertThat(((Document) update.get("$set")).keySet())
                .containsExactlyInAnyOrder("sealedAgentSecret", "updatedAt");
        TenantChanged event = event(updates.getValue());
        assertThat(event.getKeyVersion()).isEqualTo(8);
        assertThat(event.getEnabled()).as("a disabled tenant stays disabled").isFalse();
        assertThat(edgeOpener.open(bytes(event.getEdgeSealedAgentSecret()), HybridSeal.agentSecretContext(SERVICE)))
                .isEqualTo("c".repeat(32));
    }

    @Test
    void republishingPublishesTheStoredDocumentAsItIsAndWritesNothingElse() {
        when(mongo.findAll(Tenant.class)).thenReturn(Flux.just(tenant(false, 9, "a".repeat(32))));
        updatesReturn(Mono.just(tenant(false, 9, "a".repeat(32))));

        assertThat(tenants.republishAll(null).block(Duration.ofSeconds(5))).isEqualTo(1);

        verify(mongo).findAndModify(queries.capture(), updates.capture(), any(FindAndModifyOptions.class),
                eq(Tenant.class));
        assertThat(queries.getValue().getQueryObject()).containsEntry("keyVersion", 9);
        assertThat(((Update) updates.getValue()).getUpdateObject().keySet()).containsExactly("$push");
        TenantChanged event = event(updates.getValue());
        assertThat(event.getKeyVersion()).isEqualTo(9);
        assertThat(event.getEnabled()).isFalse();
    }

    @Test
    void republishingSkipsATenantChangedMeanwhile() {
        when(mongo.findAll(Tenant.class)).thenReturn(Flux.just(tenant(true, 2, "a".repeat(32))));
        updatesReturn(Mono.empty());

        assertThat(tenants.republishAll(null).block(Duration.ofSeconds(5))).isZero();
    }

    /** The update's answer as Mongo gives it: the document the update leaves. */
    private void webitelUpdatesAnswerWithTheirResult(Tenant current) {
        when(mongo.findAndModify(any(Query.class), any(UpdateDefinition.class), any(FindAndModifyOptions.class),
                eq(Tenant.class))).thenAnswer(call -> {
                    Document set = (Document) ((Update) call.getArgument(1)).getUpdateObject().get("$set");
                    return Mono.just(current.withWebitel((String) set.get("webitelKey"),
                            (byte[]) set.get("sealedWebitelTokenSecret"), (Instant) set.get("webitelTokenExpiresAt"))
                            .nextVersion());
                });
        when(relay.relay(anyString(), any())).thenReturn(Mono.empty());
        when(relay.relayAndWait(anyString(), any())).thenReturn(Mono.empty());
        // the real write-then-relay, over the stubbed relay
        when(relay.writeThenRelay(any(), any(), any())).thenCallRealMethod();
    }

    private Tenant withWebitel(Tenant tenant, String key, String tokenSecret, Instant expiresAt) {
        return tenant.withWebitel(key, secrets.seal(tokenSecret, Tenant.webitelTokenSecretContext(SERVICE)), expiresAt);
    }

    /** Whether the token is header.payload.signature, HS256 with the secret (Base64url of the HMAC key). */
    private static boolean signedWith(String token, String secret) throws Exception {
        String[] parts = token.split("\\.");
        assertThat(parts).hasSize(3);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getUrlDecoder().decode(secret), "HmacSHA256"));
        byte[] expected = mac.doFinal((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        return MessageDigest.isEqual(expected, Base64.getUrlDecoder().decode(parts[2]));
    }

    private static String part(String token, int index) {
        return new String(Base64.getUrlDecoder().decode(token.split("\\.")[index]), StandardCharsets.UTF_8);
    }

    private String edgeTokenSecret(TenantChanged event) {
        return edgeOpener.open(bytes(event.getEdgeSealedWebitelTokenSecret()), HybridSeal.webitelTokenSecretContext(SERVICE));
    }

    @Test
    void issuingWebitelCredentialsAnswersKeyTokenAndExpiryOnceAndPublishesThemForTheEdge() throws Exception {
        when(mongo.findById(SERVICE, Tenant.class)).thenReturn(Mono.just(tenant(true, 3, "a".repeat(32))));
        webitelUpdatesAnswerWithTheirResult(tenant(true, 3, "a".repeat(32)));
        Instant before = Instant.now();

        var view = tenants.issueWebitelCredentials(SERVICE, null, null).block(Duration.ofSeconds(5));

        assertThat(UUID.fromString(view.webitelKey()).toString()).isEqualTo(view.webitelKey());
        assertThat(view.keyVersion()).isEqualTo(4);
        assertThat(view.webitelTokenExpiresDt()).isBetween(before.plus(LIFETIME).toEpochMilli(),
                Instant.now().plus(LIFETIME).toEpochMilli());
        assertThat(part(view.webitelAccessToken(), 0)).isEqualTo("{\"typ\":\"JWT\",\"alg\":\"HS256\"}");
        assertThat(part(view.webitelAccessToken(), 1))
                .isEqualTo("{\"exp\":" + view.webitelTokenExpiresDt() + ",\"key\":\"" + view.webitelKey() + "\"}");
        verify(mongo).findAndModify(queries.capture(), updates.capture(), any(FindAndModifyOptions.class),
                eq(Tenant.class));
        assertThat(queries.getValue().getQueryObject()).containsEntry("keyVersion", 3);
        Document set = (Document) ((Update) updates.getValue()).getUpdateObject().get("$set");
        assertThat(set.keySet()).containsExactlyInAnyOrder("webitelKey", "sealedWebitelTokenSecret",
                "webitelTokenExpiresAt", "updatedAt");
        TenantChanged event = event(updates.getValue());
        assertThat(secrets.open((byte[]) set.get("sealedWebitelTokenSecret"), Tenant.webitelTokenSecretContext(SERVICE)))
                .as("sealed at rest, the edge gets the same secret").isEqualTo(edgeTokenSecret(event));
        assertThat(event.getKeyVersion()).isEqualTo(4);
        assertThat(event.getWebitelKey()).isEqualTo(view.webitelKey());
        assertThat(event.getWebitelTokenExpiresAt().toEpochMilli()).isEqualTo(view.webitelTokenExpiresDt());
        assertThat(signedWith(view.webitelAccessToken(), edgeTokenSecret(event))).isTrue();
        assertThat(Base64.getUrlDecoder().decode(edgeTokenSecret(event))).hasSize(32);
    }

    @Test
    void issuingAgainReplacesTheKey() {
        var current = withWebitel(tenant(true, 3, "a".repeat(32)), "11111111-1111-1111-1111-111111111111",
                WebitelToken.newSecret(), Instant.now().plusSeconds(600));
        when(mongo.findById(SERVICE, Tenant.class)).thenReturn(Mono.just(current));
        webitelUpdatesAnswerWithTheirResult(current);

        var view = tenants.issueWebitelCredentials(SERVICE, null, null).block(Duration.ofSeconds(5));

        assertThat(view.webitelKey()).isNotEqualTo("11111111-1111-1111-1111-111111111111");
    }

    @Test
    void renewingKeepsTheKeyAndReplacesExpiryAndSecretSoTheOldTokenNoLongerVerifies() throws Exception {
        String key = "8fd26a17-eb28-4c74-aa6f-a3794f4f466c";
        String oldSecret = WebitelToken.newSecret();
        Instant oldExpiry = Instant.now().plusSeconds(60).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        String oldToken = WebitelToken.sign(key, oldExpiry, oldSecret);
        var current = withWebitel(tenant(true, 5, "a".repeat(32)), key, oldSecret, oldExpiry);
        when(mongo.findById(SERVICE, Tenant.class)).thenReturn(Mono.just(current));
        webitelUpdatesAnswerWithTheirResult(current);

        var view = tenants.renewWebitelToken(SERVICE, null, null).block(Duration.ofSeconds(5));

        assertThat(view.webitelKey()).isEqualTo(key);
        assertThat(view.webitelTokenExpiresDt()).isGreaterThan(oldExpiry.toEpochMilli());
        assertThat(view.webitelAccessToken()).isNotEqualTo(oldToken);
        verify(mongo).findAndModify(queries.capture(), updates.capture(), any(FindAndModifyOptions.class),
                eq(Tenant.class));
        TenantChanged event = event(updates.getValue());
        String newSecret = edgeTokenSecret(event);
        assertThat(newSecret).isNotEqualTo(oldSecret);
        assertThat(event.getWebitelKey()).isEqualTo(key);
        assertThat(event.getKeyVersion()).isEqualTo(6);
        assertThat(signedWith(view.webitelAccessToken(), newSecret)).isTrue();
        assertThat(signedWith(oldToken, newSecret)).as("the old token stops working").isFalse();
    }

    @Test
    void renewingWithoutCredentialsIsNotFoundAndWritesNothing() {
        when(mongo.findById(SERVICE, Tenant.class)).thenReturn(Mono.just(tenant(true, 5, "a".repeat(32))));

        assertThatThrownBy(() -> tenants.renewWebitelToken(SERVICE, null, null).block(Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(NhnApiException.class, e -> assertThat(e.status().value()).isEqualTo(404));
        verify(mongo, never()).findAndModify(any(Query.class), any(UpdateDefinition.class),
                any(FindAndModifyOptions.class), eq(Tenant.class));
    }

    @Test
    void aShorterLifetimeMayBeAskedForButNoLongerOne() {
        when(mongo.findById(SERVICE, Tenant.class)).thenReturn(Mono.just(tenant(true, 1, "a".repeat(32))));
        webitelUpdatesAnswerWithTheirResult(tenant(true, 1, "a".repeat(32)));
        Instant before = Instant.now();

        var view = tenants.issueWebitelCredentials(SERVICE, 3600L, null).block(Duration.ofSeconds(5));

        assertThat(view.webitelTokenExpiresDt()).isBetween(before.plusSeconds(3600).toEpochMilli(),
                Instant.now().plusSeconds(3600).toEpochMilli());
        assertThatThrownBy(() -> tenants.issueWebitelCredentials(SERVICE, LIFETIME.toSeconds() + 1, null)
                .block(Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(NhnApiException.class, e -> {
                    assertThat(e.status().value()).isEqualTo(400);
                    assertThat(e.getMessage()).contains("ttlSeconds").contains(Long.toString(LIFETIME.toSeconds()));
                });
    }

    @Test
    void findShowsTheWebitelKeyAndExpiryButNeverTheToken() {
        Instant expiry = Instant.parse("2027-01-01T00:00:00Z");
        when(mongo.findById(SERVICE, Tenant.class)).thenReturn(
                Mono.just(withWebitel(tenant(true, 2, "a".repeat(32)), "k-1", WebitelToken.newSecret(), expiry)),
                Mono.just(tenant(true, 2, "a".repeat(32))));

        var view = tenants.find(SERVICE).block(Duration.ofSeconds(5));
        assertThat(view.webitelKey()).isEqualTo("k-1");
        assertThat(view.webitelTokenExpiresDt()).isEqualTo(expiry.toEpochMilli());
        assertThat(view.webitelAccessToken()).isEqualTo("********");
        assertThat(view.agentSecret()).isEqualTo("********");

        var without = tenants.find(SERVICE).block(Duration.ofSeconds(5));
        assertThat(without.webitelKey()).isNull();
        assertThat(without.webitelAccessToken()).isNull();
        assertThat(without.webitelTokenExpiresDt()).isNull();
    }

    @Test
    void otherChangesAndRepublishingKeepTheWebitelCredentialsInTheSnapshot() {
        String secret = WebitelToken.newSecret();
        Instant expiry = Instant.parse("2027-01-01T00:00:00Z");
        var current = withWebitel(tenant(true, 3, "a".repeat(32)), "k-1", secret, expiry);
        when(mongo.findById(SERVICE, Tenant.class)).thenReturn(Mono.just(current));
        updatesReturn(Mono.just(current.withEnabled(false).nextVersion()));

        tenants.setEnabled(SERVICE, false, null).block(Duration.ofSeconds(5));

        verify(mongo).findAndModify(queries.capture(), updates.capture(), any(FindAndModifyOptions.class),
                eq(Tenant.class));
        TenantChanged event = event(updates.getValue());
        assertThat(event.getWebitelKey()).isEqualTo("k-1");
        assertThat(event.getWebitelTokenExpiresAt()).isEqualTo(expiry);
        assertThat(edgeTokenSecret(event)).isEqualTo(secret);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
