package dev.switchboard.account.tenant;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Service;

import dev.switchboard.account.tenant.TenantRequests.CreateTenantRequest;
import dev.switchboard.account.tenant.TenantRequests.TenantView;
import dev.switchboard.events.tenant.TenantChanged;
import dev.switchboard.platform.crypto.HybridSeal;
import dev.switchboard.platform.crypto.SecretBox;
import dev.switchboard.platform.events.EventMetadataFactory;
import dev.switchboard.platform.outbox.Outbox;
import dev.switchboard.platform.outbox.OutboxRelay;
import dev.switchboard.platform.web.NhnApiException;
import reactor.core.publisher.Mono;

/** Registers tenants and changes their state; every change publishes a {@code TenantChanged} snapshot. */
@Service
class TenantService {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String MASK = "********";

    private final ReactiveMongoTemplate mongo;
    private final SecretBox secrets;
    private final HybridSeal.Sealer edgeSealer;
    private final EventMetadataFactory metadata;
    private final Outbox outbox;
    private final OutboxRelay relay;
    private final Clock clock = Clock.systemUTC();

    TenantService(ReactiveMongoTemplate mongo, SecretBox secrets, HybridSeal.Sealer edgeSealer,
                  EventMetadataFactory metadata, Outbox outbox, OutboxRelay relay) {
        this.mongo = mongo;
        this.secrets = secrets;
        this.edgeSealer = edgeSealer;
        this.metadata = metadata;
        this.outbox = outbox;
        this.relay = relay;
    }

    Mono<TenantView> create(CreateTenantRequest request, String correlationId) {
        String serviceId = request.serviceId();
        String serviceKey = request.serviceKey() != null ? request.serviceKey() : newSecret();
        String agentSecret = request.agentSecret() != null ? request.agentSecret() : newSecret();
        var now = clock.instant();
        var event = snapshot(serviceId, request.organizationId(), request.domain(), true, 1, serviceKey, agentSecret,
                correlationId);
        var tenant = new Tenant(serviceId, request.organizationId(), request.domain(),
                secrets.seal(serviceKey, Tenant.keyContext(serviceId)), 1,
                secrets.seal(agentSecret, Tenant.agentSecretContext(serviceId)), true, now, now,
                List.of(outbox.pending(serviceId, event)));
        return mongo.insert(tenant)
                .onErrorMap(DuplicateKeyException.class,
                        e -> NhnApiException.relatedDataExists("Service " + serviceId + " already exists"))
                .flatMap(saved -> relay.relay(Tenant.COLLECTION, saved.serviceId()).thenReturn(saved))
                .map(saved -> view(saved, serviceKey, agentSecret));
    }

    /**
     * Sets the tenant's agent secret (the SuperOffice dialect's credential), replacing any earlier one, and
     * answers it once. The edge learns it from the snapshot this publishes.
     */
    Mono<TenantView> setAgentSecret(String serviceId, String requested, String correlationId) {
        String agentSecret = requested != null ? requested : newSecret();
        return mongo.findAndModify(Query.query(Criteria.where("_id").is(serviceId)),
                        new Update().set("sealedAgentSecret", secrets.seal(agentSecret, Tenant.agentSecretContext(serviceId))),
                        FindAndModifyOptions.options().returnNew(true), Tenant.class)
                .switchIfEmpty(Mono.error(() -> NhnApiException.notFound("No service " + serviceId)))
                .flatMap(tenant -> publishSnapshot(tenant, tenant.enabled(), correlationId))
                .map(saved -> view(saved, null, agentSecret));
    }

    Mono<TenantView> find(String serviceId) {
        return mongo.findById(serviceId, Tenant.class)
                .switchIfEmpty(Mono.error(() -> NhnApiException.notFound("No service " + serviceId)))
                .map(tenant -> view(tenant, null, null));
    }

    Mono<TenantView> setEnabled(String serviceId, boolean enabled, String correlationId) {
        return mongo.findById(serviceId, Tenant.class)
                .switchIfEmpty(Mono.error(() -> NhnApiException.notFound("No service " + serviceId)))
                .flatMap(tenant -> publishSnapshot(tenant, enabled, correlationId))
                .map(saved -> view(saved, null, null));
    }

    /**
     * Publishes every tenant's current snapshot again. The tenant topic is the edge's source of truth;
     * after it was lost (a new cluster, a deleted topic) this re-seeds it from the tenants collection.
     */
    Mono<Long> republishAll(String correlationId) {
        return mongo.findAll(Tenant.class)
                .concatMap(tenant -> publishSnapshot(tenant, tenant.enabled(), correlationId))
                .count();
    }

    private Mono<Tenant> publishSnapshot(Tenant tenant, boolean enabled, String correlationId) {
        String serviceId = tenant.serviceId();
        String key = secrets.open(tenant.sealedServiceKey(), Tenant.keyContext(serviceId));
        String agentSecret = tenant.sealedAgentSecret() == null ? null
                : secrets.open(tenant.sealedAgentSecret(), Tenant.agentSecretContext(serviceId));
        var event = snapshot(serviceId, tenant.organizationId(), tenant.domain(), enabled, tenant.keyVersion(), key,
                agentSecret, correlationId);
        var update = new Update().set("enabled", enabled).set("updatedAt", clock.instant())
                .push("pendingEvents", outbox.pending(serviceId, event));
        return mongo.findAndModify(Query.query(Criteria.where("_id").is(serviceId)), update,
                        FindAndModifyOptions.options().returnNew(true), Tenant.class)
                .flatMap(saved -> relay.relay(Tenant.COLLECTION, serviceId).thenReturn(saved));
    }

    private TenantChanged snapshot(String serviceId, String organizationId, String domain, boolean enabled,
                                   int keyVersion, String serviceKey, String agentSecret, String correlationId) {
        return TenantChanged.newBuilder()
                .setMetadata(metadata.create(serviceId, correlationId))
                .setServiceId(serviceId)
                .setOrganizationId(organizationId)
                .setDomain(domain)
                .setEnabled(enabled)
                .setKeyVersion(keyVersion)
                .setEdgeSealedServiceKey(ByteBuffer.wrap(edgeSealer.seal(serviceKey, serviceId)))
                .setEdgeSealedAgentSecret(agentSecret == null ? null
                        : ByteBuffer.wrap(edgeSealer.seal(agentSecret, HybridSeal.agentSecretContext(serviceId))))
                .build();
    }

    private static TenantView view(Tenant tenant, String clearKey, String clearAgentSecret) {
        return new TenantView(tenant.serviceId(), tenant.organizationId(), tenant.domain(), tenant.enabled(),
                tenant.keyVersion(), clearKey == null ? MASK : clearKey,
                clearAgentSecret != null ? clearAgentSecret : tenant.sealedAgentSecret() == null ? null : MASK,
                tenant.createdAt().toEpochMilli(), tenant.updatedAt().toEpochMilli());
    }

    private static String newSecret() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
