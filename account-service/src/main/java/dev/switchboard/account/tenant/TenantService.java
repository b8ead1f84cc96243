package dev.switchboard.account.tenant;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.function.UnaryOperator;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
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

/**
 * Registers tenants and changes their state; every change raises the tenant's snapshot version and publishes
 * a {@code TenantChanged} snapshot carrying it, so the edge never takes an older snapshot for a newer one.
 */
@Service
class TenantService {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String MASK = "********";
    /** Tries of a change that keeps meeting concurrent ones; each try is one read and one conditional update. */
    private static final int MAX_ATTEMPTS = 5;

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
        byte[] sealed = secrets.seal(agentSecret, Tenant.agentSecretContext(serviceId));
        return change(serviceId, "sealedAgentSecret", sealed, tenant -> tenant.withSealedAgentSecret(sealed),
                correlationId, 1)
                .map(saved -> view(saved, null, agentSecret));
    }

    Mono<TenantView> find(String serviceId) {
        return mongo.findById(serviceId, Tenant.class)
                .switchIfEmpty(Mono.error(() -> NhnApiException.notFound("No service " + serviceId)))
                .map(tenant -> view(tenant, null, null));
    }

    Mono<TenantView> setEnabled(String serviceId, boolean enabled, String correlationId) {
        return change(serviceId, "enabled", enabled, tenant -> tenant.withEnabled(enabled), correlationId, 1)
                .map(saved -> view(saved, null, null));
    }

    /**
     * Publishes every tenant's current snapshot again, as stored, version included. The tenant topic is the
     * edge's source of truth; after it was lost (a new cluster, a deleted topic) this re-seeds it from the
     * tenants collection. A tenant changed meanwhile is skipped: its change published a newer snapshot.
     */
    Mono<Long> republishAll(String correlationId) {
        return mongo.findAll(Tenant.class)
                .concatMap(tenant -> mongo.findAndModify(sameVersion(tenant),
                                new Update().push("pendingEvents", outbox.pending(tenant.serviceId(),
                                        snapshot(tenant, correlationId))),
                                FindAndModifyOptions.options().returnNew(true), Tenant.class)
                        .flatMap(saved -> relay.relay(Tenant.COLLECTION, saved.serviceId()).thenReturn(saved)))
                .count();
    }

    /**
     * Changes one field of a tenant in one conditional update that also raises the snapshot version and
     * stores the snapshot event of the result, so the two cannot part and no other field is written back
     * from an earlier read. The update applies only to the version that was read; the event therefore shows
     * exactly the document the update produces. A concurrent change makes it read again and retry.
     */
    private Mono<Tenant> change(String serviceId, String field, Object value, UnaryOperator<Tenant> applied,
                                String correlationId, int attempt) {
        return mongo.findById(serviceId, Tenant.class)
                .switchIfEmpty(Mono.error(() -> NhnApiException.notFound("No service " + serviceId)))
                .flatMap(current -> {
                    Tenant next = applied.apply(current).nextVersion();
                    var update = new Update().set(field, value).inc("keyVersion", 1).set("updatedAt", clock.instant())
                            .push("pendingEvents", outbox.pending(serviceId, snapshot(next, correlationId)));
                    return mongo.findAndModify(sameVersion(current), update,
                            FindAndModifyOptions.options().returnNew(true), Tenant.class);
                })
                .switchIfEmpty(Mono.defer(() -> attempt < MAX_ATTEMPTS
                        ? change(serviceId, field, value, applied, correlationId, attempt + 1)
                        : Mono.error(new NhnApiException(HttpStatus.CONFLICT, 409,
                                "Service " + serviceId + " is being changed concurrently; try again", null))))
                .flatMap(saved -> relay.relay(Tenant.COLLECTION, serviceId).thenReturn(saved));
    }

    private static Query sameVersion(Tenant tenant) {
        return Query.query(Criteria.where("_id").is(tenant.serviceId()).and("keyVersion").is(tenant.keyVersion()));
    }

    /** The snapshot of a tenant as the given document shows it; the edge opens the keys sealed for it. */
    private TenantChanged snapshot(Tenant tenant, String correlationId) {
        String serviceId = tenant.serviceId();
        String key = secrets.open(tenant.sealedServiceKey(), Tenant.keyContext(serviceId));
        String agentSecret = tenant.sealedAgentSecret() == null ? null
                : secrets.open(tenant.sealedAgentSecret(), Tenant.agentSecretContext(serviceId));
        return snapshot(serviceId, tenant.organizationId(), tenant.domain(), tenant.enabled(), tenant.keyVersion(), key,
                agentSecret, correlationId);
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
