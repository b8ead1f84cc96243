package dev.switchboard.gateway.tenant;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.stereotype.Component;

import dev.switchboard.events.tenant.TenantChanged;
import dev.switchboard.platform.crypto.HybridSeal;
import dev.switchboard.platform.events.EventSerde;
import dev.switchboard.platform.events.UndecodableEventException;
import dev.switchboard.schemas.Topic;

/**
 * The gateway's view of every tenant and its credentials, rebuilt from the compacted tenant topic:
 * each instance reads the whole topic from the start (no consumer group) and keeps following it.
 * Tenants are found by serviceId, and by Webitel {@code X-Key}. The gateway reports itself not ready
 * until it has caught up with the topic's end.
 */
@Component
public class TenantDirectory implements SmartLifecycle, HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(TenantDirectory.class);

    /**
     * What the edge knows of a tenant; the keys live only in this process's memory. {@code agentSecret}
     * (the SuperOffice dialect's credential) is null while the tenant has none, and so are the Webitel
     * dialect's {@code webitelKey} (its {@code X-Key}), {@code webitelTokenSecret} (Base64url of the HMAC key
     * of its {@code X-Access-Token}) and {@code webitelTokenExpiresAt}. {@code keyVersion} is the snapshot
     * version: account-service raises it with every change of the tenant.
     */
    public record TenantKey(String serviceId, String organizationId, String domain, String serviceKey,
                            String agentSecret, String webitelKey, String webitelTokenSecret,
                            Instant webitelTokenExpiresAt, boolean enabled, int keyVersion) {

        @Override
        public String toString() {
            return "TenantKey[" + serviceId + ", v" + keyVersion + ", enabled=" + enabled + "]";
        }
    }

    private final ConsumerFactory<String, byte[]> consumers;
    private final EventSerde serde;
    private final HybridSeal.Opener opener;
    private final Map<String, TenantKey> tenants = new ConcurrentHashMap<>();
    /** Webitel {@code X-Key} to serviceId; written only by the thread that applies snapshots. */
    private final Map<String, String> byWebitelKey = new ConcurrentHashMap<>();
    private volatile boolean caughtUp;
    private volatile boolean running;
    private volatile Consumer<String, byte[]> consumer;
    private Thread thread;

    TenantDirectory(ConsumerFactory<String, byte[]> consumers, EventSerde serde, HybridSeal.Opener opener) {
        this.consumers = consumers;
        this.serde = serde;
        this.opener = opener;
    }

    public Optional<TenantKey> find(String serviceId) {
        return Optional.ofNullable(tenants.get(serviceId));
    }

    /**
     * The tenant whose Webitel {@code X-Key} this is. The tenant's own snapshot has the last word: an index entry
     * a newer snapshot has just replaced finds nothing.
     */
    public Optional<TenantKey> findByWebitelKey(String webitelKey) {
        if (webitelKey == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(byWebitelKey.get(webitelKey)).flatMap(this::find)
                .filter(tenant -> webitelKey.equals(tenant.webitelKey()));
    }

    @Override
    public Health health() {
        return caughtUp ? Health.up().withDetail("tenants", tenants.size()).build()
                : Health.outOfService().withDetail("reason", "catching up with the tenant topic").build();
    }

    @Override
    public void start() {
        running = true;
        thread = Thread.ofPlatform().name("tenant-directory").daemon().start(this::follow);
    }

    @Override
    public void stop() {
        running = false;
        Consumer<String, byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void follow() {
        while (running) {
            try (Consumer<String, byte[]> kafka = consumers.createConsumer(null, "gateway-tenants", null)) {
                consumer = kafka;
                List<TopicPartition> partitions = kafka.partitionsFor(Topic.TENANT_SETTINGS.topicName(), Duration.ofSeconds(10))
                        .stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                if (partitions.isEmpty()) {
                    continue;
                }
                kafka.assign(partitions);
                kafka.seekToBeginning(partitions);
                Map<TopicPartition, Long> end = kafka.endOffsets(partitions);
                while (running) {
                    for (ConsumerRecord<String, byte[]> record : kafka.poll(Duration.ofMillis(500))) {
                        apply(record);
                    }
                    if (!caughtUp && end.entrySet().stream().allMatch(e -> kafka.position(e.getKey()) >= e.getValue())) {
                        caughtUp = true;
                        log.info("Tenant directory caught up: {} tenants", tenants.size());
                    }
                }
            } catch (WakeupException stopping) {
                return;
            } catch (RuntimeException e) {
                log.warn("Tenant directory lost its consumer, reconnecting: {}", e.toString());
                pause();
            }
        }
    }

    /**
     * Takes one record of the tenant topic. A snapshot no newer than the one held (by its version) is
     * ignored, so a stale snapshot arriving late cannot re-enable a tenant or revive a rotated secret. A record
     * the edge cannot use is logged and skipped: thrown on, it would make {@link #follow} reconnect and read
     * the topic again from the start, and meet the same record for ever.
     */
    void apply(ConsumerRecord<String, byte[]> record) {
        try {
            if (!(serde.decode(record) instanceof TenantChanged changed)) {
                log.warn("Tenant record at {}-{}@{} skipped: not a TenantChanged snapshot", record.topic(),
                        record.partition(), record.offset());
                return;
            }
            var key = open(changed);
            var replaced = new AtomicReference<TenantKey>();
            var held = tenants.compute(key.serviceId(), (id, old) -> {
                replaced.set(old);
                return old == null || key.keyVersion() > old.keyVersion() ? key : old;
            });
            if (held != key) {
                log.info("Tenant snapshot {} v{} at {}-{}@{} ignored: v{} is held already", key.serviceId(),
                        key.keyVersion(), record.topic(), record.partition(), record.offset(), held.keyVersion());
                return;
            }
            reindex(replaced.get(), key);
        } catch (UndecodableEventException | IllegalStateException e) {
            // a record the edge cannot use (wrong edge key, unknown version); these messages name no secret
            log.warn("Tenant record at {}-{}@{} skipped: {}", record.topic(), record.partition(), record.offset(),
                    e.getMessage());
        } catch (RuntimeException e) {
            // only the type: a message of an unexpected failure might quote what it failed on
            log.warn("Tenant record at {}-{}@{} skipped: {}", record.topic(), record.partition(), record.offset(),
                    e.getClass().getName());
        }
    }

    /** Points the tenant's Webitel key at it, then drops the key it had before if that one was replaced. */
    private void reindex(TenantKey replaced, TenantKey fresh) {
        if (fresh.webitelKey() != null) {
            String other = byWebitelKey.put(fresh.webitelKey(), fresh.serviceId());
            if (other != null && !other.equals(fresh.serviceId())) {
                // keys are random UUIDs: never expected; the earlier holder is no longer found by this key
                log.warn("Webitel key of tenant {} was held by tenant {}", fresh.serviceId(), other);
            }
        }
        if (replaced != null && replaced.webitelKey() != null && !replaced.webitelKey().equals(fresh.webitelKey())) {
            byWebitelKey.remove(replaced.webitelKey(), replaced.serviceId());
        }
    }

    private TenantKey open(TenantChanged changed) {
        String serviceId = changed.getServiceId();
        String agentSecret = changed.getEdgeSealedAgentSecret() == null ? null
                : opener.open(bytes(changed.getEdgeSealedAgentSecret()), HybridSeal.agentSecretContext(serviceId));
        String webitelTokenSecret = changed.getEdgeSealedWebitelTokenSecret() == null ? null
                : opener.open(bytes(changed.getEdgeSealedWebitelTokenSecret()),
                        HybridSeal.webitelTokenSecretContext(serviceId));
        return new TenantKey(serviceId, changed.getOrganizationId(), changed.getDomain(),
                opener.open(bytes(changed.getEdgeSealedServiceKey()), serviceId), agentSecret, changed.getWebitelKey(),
                webitelTokenSecret, changed.getWebitelTokenExpiresAt(), changed.getEnabled(), changed.getKeyVersion());
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    private static void pause() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
