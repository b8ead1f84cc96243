package dev.switchboard.gateway.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import dev.switchboard.events.mailbox.ExternalAccountDeleted;
import dev.switchboard.events.tenant.TenantChanged;
import dev.switchboard.platform.crypto.HybridSeal;
import dev.switchboard.platform.crypto.Keysets;
import dev.switchboard.platform.events.EventHeaders;
import dev.switchboard.platform.events.EventMetadataFactory;
import dev.switchboard.platform.events.EventSerde;
import dev.switchboard.schemas.Topic;

/** How the edge takes tenant snapshots: newest version wins, unusable records are skipped, Webitel keys are indexed. */
class TenantDirectoryTest {

    private static final String SERVICE = "acme";
    private static final String OLD_SECRET = "a".repeat(32);
    private static final String NEW_SECRET = "b".repeat(32);

    private final Keysets.KeyPair edge = Keysets.newKeyPair();
    private final HybridSeal.Sealer sealer = new HybridSeal.Sealer(edge.publicKeyset());
    private final EventSerde serde = new EventSerde();
    private final EventMetadataFactory metadata = new EventMetadataFactory("account-service", Clock.systemUTC());
    // the consumer is only needed once started; these tests hand records over directly
    private final TenantDirectory directory = new TenantDirectory(null, serde, new HybridSeal.Opener(edge.privateKeyset()));
    private long offset;

    private TenantChanged snapshot(int version, boolean enabled, String agentSecret, HybridSeal.Sealer sealedFor) {
        return TenantChanged.newBuilder()
                .setMetadata(metadata.create(SERVICE, null))
                .setServiceId(SERVICE).setOrganizationId("AcmeOrg").setDomain("acme")
                .setEnabled(enabled).setKeyVersion(version)
                .setEdgeSealedServiceKey(ByteBuffer.wrap(sealedFor.seal("k".repeat(32), SERVICE)))
                .setEdgeSealedAgentSecret(ByteBuffer.wrap(sealedFor.seal(agentSecret,
                        HybridSeal.agentSecretContext(SERVICE))))
                .build();
    }

    private TenantChanged withWebitel(TenantChanged snapshot, String key, String tokenSecret, Instant expiresAt) {
        return TenantChanged.newBuilder(snapshot).setWebitelKey(key)
                .setEdgeSealedWebitelTokenSecret(ByteBuffer.wrap(sealer.seal(tokenSecret,
                        HybridSeal.webitelTokenSecretContext(snapshot.getServiceId()))))
                .setWebitelTokenExpiresAt(expiresAt).build();
    }

    private ConsumerRecord<String, byte[]> record(String type, byte[] payload) {
        var record = new ConsumerRecord<>(Topic.TENANT_SETTINGS.topicName(), 0, offset++, SERVICE, payload);
        if (type != null) {
            record.headers().add(EventHeaders.TYPE, type.getBytes(StandardCharsets.UTF_8));
        }
        return record;
    }

    private ConsumerRecord<String, byte[]> record(SpecificRecord event) {
        return record(event.getSchema().getFullName(), serde.encode(event));
    }

    @Test
    void anOlderSnapshotAfterANewerOneDoesNotReEnableTheTenant() {
        directory.apply(record(snapshot(5, false, OLD_SECRET, sealer)));
        directory.apply(record(snapshot(4, true, OLD_SECRET, sealer)));
        directory.apply(record(snapshot(5, true, OLD_SECRET, sealer)));

        var tenant = directory.find(SERVICE).orElseThrow();
        assertThat(tenant.enabled()).isFalse();
        assertThat(tenant.keyVersion()).isEqualTo(5);
    }

    @Test
    void anOlderSnapshotDoesNotReviveARotatedSecret() {
        directory.apply(record(snapshot(3, true, NEW_SECRET, sealer)));
        directory.apply(record(snapshot(2, true, OLD_SECRET, sealer)));

        assertThat(directory.find(SERVICE).orElseThrow().agentSecret()).isEqualTo(NEW_SECRET);
    }

    @Test
    void aNewerSnapshotReplacesTheHeldOne() {
        directory.apply(record(snapshot(1, true, OLD_SECRET, sealer)));
        directory.apply(record(snapshot(2, false, NEW_SECRET, sealer)));

        var tenant = directory.find(SERVICE).orElseThrow();
        assertThat(tenant.enabled()).isFalse();
        assertThat(tenant.agentSecret()).isEqualTo(NEW_SECRET);
    }

    @Test
    void aTenantIsFoundByItsWebitelKeyWithItsTokenSecretExpiryAndDomain() {
        Instant expiry = Instant.parse("2027-01-01T00:00:00Z");
        directory.apply(record(withWebitel(snapshot(1, true, OLD_SECRET, sealer), "key-1", "c2VjcmV0", expiry)));

        var tenant = directory.findByWebitelKey("key-1").orElseThrow();
        assertThat(tenant.serviceId()).isEqualTo(SERVICE);
        assertThat(tenant.domain()).isEqualTo("acme");
        assertThat(tenant.webitelTokenSecret()).isEqualTo("c2VjcmV0");
        assertThat(tenant.webitelTokenExpiresAt()).isEqualTo(expiry);
        assertThat(directory.findByWebitelKey("key-2")).isEmpty();
        assertThat(directory.findByWebitelKey(null)).isEmpty();
    }

    @Test
    void aNewKeyRetiresTheOldOneAndAnOlderSnapshotDoesNotBringItBack() {
        Instant expiry = Instant.parse("2027-01-01T00:00:00Z");
        directory.apply(record(withWebitel(snapshot(1, true, OLD_SECRET, sealer), "key-1", "c2VjcmV0", expiry)));
        directory.apply(record(withWebitel(snapshot(2, true, OLD_SECRET, sealer), "key-2", "bmV3", expiry)));
        directory.apply(record(withWebitel(snapshot(1, true, OLD_SECRET, sealer), "key-1", "c2VjcmV0", expiry)));

        assertThat(directory.findByWebitelKey("key-1")).isEmpty();
        assertThat(directory.findByWebitelKey("key-2").orElseThrow().webitelTokenSecret()).isEqualTo("bmV3");
    }

    @Test
    void aSnapshotWithoutWebitelCredentialsIsFoundByNoKey() {
        directory.apply(record(withWebitel(snapshot(1, true, OLD_SECRET, sealer), "key-1", "c2VjcmV0",
                Instant.parse("2027-01-01T00:00:00Z"))));
        directory.apply(record(snapshot(2, true, OLD_SECRET, sealer)));

        assertThat(directory.findByWebitelKey("key-1")).isEmpty();
        assertThat(directory.find(SERVICE).orElseThrow().webitelTokenSecret()).isNull();
    }

    @Test
    void aWebitelTokenSecretSealedAsAnotherSecretIsSkipped() {
        var forged = TenantChanged.newBuilder(snapshot(1, true, OLD_SECRET, sealer)).setWebitelKey("key-1")
                .setEdgeSealedWebitelTokenSecret(ByteBuffer.wrap(sealer.seal("c2VjcmV0", HybridSeal.agentSecretContext(SERVICE))))
                .setWebitelTokenExpiresAt(Instant.parse("2027-01-01T00:00:00Z")).build();

        directory.apply(record(forged));

        assertThat(directory.find(SERVICE)).isEmpty();
        assertThat(directory.findByWebitelKey("key-1")).isEmpty();
    }

    @Test
    void unexpectedRecordsAreSkippedAndTheNextSnapshotStillApplies() {
        var otherEdge = new HybridSeal.Sealer(Keysets.newKeyPair().publicKeyset());
        var nullHeader = record(TenantChanged.getClassSchema().getFullName(), serde.encode(snapshot(1, true, OLD_SECRET, sealer)));
        nullHeader.headers().remove(EventHeaders.TYPE);
        nullHeader.headers().add(EventHeaders.TYPE, null);
        var unexpected = new ArrayList<ConsumerRecord<String, byte[]>>();
        unexpected.add(record(null, new byte[] {1, 2, 3}));
        unexpected.add(record("dev.switchboard.events.Nothing", new byte[] {1, 2, 3}));
        unexpected.add(record(TenantChanged.getClassSchema().getFullName(), new byte[] {(byte) 0xC3, 0x01, 7}));
        unexpected.add(record(TenantChanged.getClassSchema().getFullName(), null));
        unexpected.add(nullHeader);
        unexpected.add(record(ExternalAccountDeleted.newBuilder().setMetadata(metadata.create(SERVICE, null))
                .setAccountId(1).build()));
        unexpected.add(record(snapshot(9, true, OLD_SECRET, otherEdge)));

        for (var record : unexpected) {
            assertThatCode(() -> directory.apply(record)).doesNotThrowAnyException();
        }
        assertThat(directory.find(SERVICE)).isEmpty();

        directory.apply(record(snapshot(2, true, NEW_SECRET, sealer)));
        assertThat(directory.find(SERVICE).orElseThrow().agentSecret()).isEqualTo(NEW_SECRET);
    }
}
