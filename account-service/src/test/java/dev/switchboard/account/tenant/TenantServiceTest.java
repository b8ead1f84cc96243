package dev.switchboard.account.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.nio.ByteBuffer;
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
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.data.mongodb.core.query.UpdateDefinition;

import dev.switchboard.events.tenant.TenantChanged;
import dev.switchboard.platform.crypto.HybridSeal;
import dev.switchboard.platform.crypto.Keysets;
import dev.switchboard.platform.crypto.SecretBox;
import dev.switchboard.platform.events.EventMetadataFactory;
import dev.switchboard.platform.events.EventSerde;
import dev.switchboard.platform.outbox.Outbox;
import dev.switchboard.platform.outbox.OutboxRelay;
import dev.switchboard.platform.outbox.PendingEvent;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Tenant changes as versioned, conditional single-field updates whose snapshot shows the result. */
class TenantServiceTest {

    private static final String SERVICE = "svc1";

    private final ReactiveMongoTemplate mongo = mock(ReactiveMongoTemplate.class);
    private final OutboxRelay relay = mock(OutboxRelay.class);
    private final SecretBox secrets = new SecretBox(Keysets.newAeadKeyset());
    private final Keysets.KeyPair edge = Keysets.newKeyPair();
    private final HybridSeal.Opener edgeOpener = new HybridSeal.Opener(edge.privateKeyset());
    private final EventSerde serde = new EventSerde();
    private final TenantService tenants = new TenantService(mongo, secrets, new HybridSeal.Sealer(edge.publicKeyset()),
            new EventMetadataFactory("account-service", Clock.systemUTC()), new Outbox(serde), relay);

    private Tenant tenant(boolean enabled, int version, String agentSecret) {
        return new Tenant(SERVICE, "org1", "acme", secrets.seal("k".repeat(32), Tenant.keyContext(SERVICE)), version,
                secrets.seal(agentSecret, Tenant.agentSecretContext(SERVICE)), enabled, Instant.EPOCH, Instant.EPOCH,
                List.of());
    }

    private final ArgumentCaptor<Query> queries = ArgumentCaptor.forClass(Query.class);
    private final ArgumentCaptor<UpdateDefinition> updates = ArgumentCaptor.forClass(UpdateDefinition.class);

    @SafeVarargs
    private void updatesReturn(Mono<Tenant> first, Mono<Tenant>... more) {
        when(mongo.findAndModify(any(Query.class), any(UpdateDefinition.class), any(FindAndModifyOptions.class),
                eq(Tenant.class))).thenReturn(first, more);
        when(relay.relay(anyString(), any())).thenReturn(Mono.empty());
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

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
