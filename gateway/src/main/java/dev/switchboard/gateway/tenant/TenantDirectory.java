package dev.switchboard.gateway.tenant;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

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
 * The gateway's view of every tenant and its service key, rebuilt from the compacted tenant topic:
 * each instance reads the whole topic from the start (no consumer group) and keeps following it.
 * The gateway reports itself not ready until it has caught up with the topic's end.
 */
@Component
public class TenantDirectory implements SmartLifecycle, HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(TenantDirectory.class);

    /**
     * What the edge knows of a tenant; the keys live only in this process's memory. {@code agentSecret}
     * (the SuperOffice dialect's credential) is null while the tenant has none.
     */
    public record TenantKey(String serviceId, String organizationId, String serviceKey, String agentSecret,
                            boolean enabled, int keyVersion) {

        @Override
        public String toString() {
            return "TenantKey[" + serviceId + ", v" + keyVersion + ", enabled=" + enabled + "]";
        }
    }

    private final ConsumerFactory<String, byte[]> consumers;
    private final EventSerde serde;
    private final HybridSeal.Opener opener;
    private final Map<String, TenantKey> tenants = new ConcurrentHashMap<>();
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

    private void apply(ConsumerRecord<String, byte[]> record) {
        try {
            if (serde.decode(record) instanceof TenantChanged changed) {
                byte[] sealed = new byte[changed.getEdgeSealedServiceKey().remaining()];
                changed.getEdgeSealedServiceKey().duplicate().get(sealed);
                String agentSecret = null;
                if (changed.getEdgeSealedAgentSecret() != null) {
                    byte[] sealedAgent = new byte[changed.getEdgeSealedAgentSecret().remaining()];
                    changed.getEdgeSealedAgentSecret().duplicate().get(sealedAgent);
                    agentSecret = opener.open(sealedAgent, HybridSeal.agentSecretContext(changed.getServiceId()));
                }
                var key = new TenantKey(changed.getServiceId(), changed.getOrganizationId(),
                        opener.open(sealed, changed.getServiceId()), agentSecret, changed.getEnabled(),
                        changed.getKeyVersion());
                tenants.merge(key.serviceId(), key, (old, fresh) -> fresh.keyVersion() >= old.keyVersion() ? fresh : old);
            }
        } catch (UndecodableEventException | IllegalStateException e) {
            // A record the edge cannot use (wrong edge key, unknown version) must not stop the directory.
            log.error("Tenant record at {}-{}@{} skipped: {}", record.topic(), record.partition(), record.offset(),
                    e.getMessage());
        }
    }

    private static void pause() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
