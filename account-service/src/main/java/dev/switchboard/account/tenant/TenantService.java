package dev.switchboard.account.tenant;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Service;

import dev.switchboard.account.config.AccountProperties;
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
    private final Duration webitelTokenLifetime;
    private final Clock clock = Clock.systemUTC();

    TenantService(ReactiveMongoTemplate mongo, SecretBox secrets, HybridSeal.Sealer edgeSealer,
                  EventMetadataFactory metadata, Outbox outbox, OutboxRelay relay, AccountProperties properties) {
        this.webitelTokenLifetime = properties.webitelTokenLifetime();
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
        var registered = new Tenant(serviceId, request.organizationId(), request.domain(),
                secrets.seal(serviceKey, Tenant.keyContext(serviceId)), 1,
                secrets.seal(agentSecret, Tenant.agentSecretContext(serviceId)), null, null, null, true, now, now,
                List.of());
        var tenant = registered.withPendingEvents(List.of(outbox.pending(serviceId, snapshot(registered, correlationId))));
        return relay.writeThenRelay(mongo.insert(tenant), Tenant.COLLECTION, serviceId)
                .onErrorMap(DuplicateKeyException.class,
                        e -> NhnApiException.relatedDataExists("Service " + serviceId + " already exists"))
                .map(saved -> view(saved, serviceKey, agentSecret, null));
    }

    /**
     * Sets the tenant's agent secret (the SuperOffice dialect's credential), replacing any earlier one, and
     * answers it once. The edge learns it from the snapshot this publishes.
     */
    Mono<TenantView> setAgentSecret(String serviceId, String requested, String correlationId) {
        String agentSecret = requested != null ? requested : newSecret();
        byte[] sealed = secrets.seal(agentSecret, Tenant.agentSecretContext(serviceId));
        return change(serviceId, tenant -> Change.of("sealedAgentSecret", sealed, tenant.withSealedAgentSecret(sealed)),
                correlationId, 1)
                .map(saved -> view(saved, null, agentSecret, null));
    }

    /**
     * Issues new Webitel credentials: a new {@code X-Key} and an {@code X-Access-Token} for it, replacing any
     * earlier ones, and answers them once. The edge learns the key and the token's secret from the snapshot.
     *
     * @param ttlSeconds the token's lifetime if shorter than the configured one; null for that one
     */
    Mono<TenantView> issueWebitelCredentials(String serviceId, Long ttlSeconds, String correlationId) {
        String key = WebitelToken.newKey();
        return webitelToken(serviceId, current -> key, ttlSeconds, correlationId);
    }

    /**
     * Issues a new token for the tenant's {@code X-Key}, with a new expiry and a new token secret, so the
     * token it replaces stops working as soon as the edge has the snapshot.
     */
    Mono<TenantView> renewWebitelToken(String serviceId, Long ttlSeconds, String correlationId) {
        return webitelToken(serviceId, current -> {
            if (current.webitelKey() == null) {
                throw NhnApiException.notFound("Service " + serviceId + " has no Webitel credentials to renew; issue them first");
            }
            return current.webitelKey();
        }, ttlSeconds, correlationId);
    }

    private Mono<TenantView> webitelToken(String serviceId, Function<Tenant, String> keyOf, Long ttlSeconds,
                                          String correlationId) {
        return Mono.defer(() -> {
            Duration lifetime = webitelTokenLifetime(ttlSeconds);
            String secret = WebitelToken.newSecret();
            byte[] sealed = secrets.seal(secret, Tenant.webitelTokenSecretContext(serviceId));
            return change(serviceId, current -> {
                String key = keyOf.apply(current);
                // Mongo keeps milliseconds: the stored expiry, the snapshot's and the token's exp are one value
                Instant expiresAt = clock.instant().plus(lifetime).truncatedTo(ChronoUnit.MILLIS);
                Map<String, Object> fields = new LinkedHashMap<>();
                fields.put("webitelKey", key);
                fields.put("sealedWebitelTokenSecret", sealed);
                fields.put("webitelTokenExpiresAt", expiresAt);
                return new Change(fields, current.withWebitel(key, sealed, expiresAt));
            }, correlationId, 1)
                    .map(saved -> view(saved, null, null,
                            WebitelToken.sign(saved.webitelKey(), saved.webitelTokenExpiresAt(), secret)));
        });
    }

    /** The configured lifetime, or the shorter one asked for; a longer one is refused. */
    private Duration webitelTokenLifetime(Long ttlSeconds) {
        if (ttlSeconds == null) {
            return webitelTokenLifetime;
        }
        if (ttlSeconds > webitelTokenLifetime.toSeconds()) {
            throw NhnApiException.badRequest("Invalid request: ttlSeconds must be at most "
                    + webitelTokenLifetime.toSeconds() + " (the configured token lifetime)");
        }
        return Duration.ofSeconds(ttlSeconds);
    }

    Mono<TenantView> find(String serviceId) {
        return mongo.findById(serviceId, Tenant.class)
                .switchIfEmpty(Mono.error(() -> NhnApiException.notFound("No service " + serviceId)))
                .map(tenant -> view(tenant, null, null, null));
    }

    Mono<TenantView> setEnabled(String serviceId, boolean enabled, String correlationId) {
        return change(serviceId, tenant -> Change.of("enabled", enabled, tenant.withEnabled(enabled)), correlationId, 1)
                .map(saved -> view(saved, null, null, null));
    }

    /**
     * Publishes every tenant's current snapshot again, as stored, version included. The tenant topic is the
     * edge's source of truth; after it was lost (a new cluster, a deleted topic) this re-seeds it from the
     * tenants collection. A tenant changed meanwhile is skipped: its change published a newer snapshot.
     */
    Mono<Long> republishAll(String correlationId) {
        return mongo.findAll(Tenant.class)
                .concatMap(tenant -> relay.writeThenRelay(mongo.findAndModify(sameVersion(tenant),
                                new Update().push("pendingEvents", outbox.pending(tenant.serviceId(),
                                        snapshot(tenant, correlationId))),
                                FindAndModifyOptions.options().returnNew(true), Tenant.class),
                        Tenant.COLLECTION, tenant.serviceId()))
                .count();
    }

    /**
     * What one change writes: the fields it sets, and the tenant as they leave it (the version not yet raised).
     */
    private record Change(Map<String, Object> fields, Tenant applied) {

        static Change of(String field, Object value, Tenant applied) {
            return new Change(Map.of(field, value), applied);
        }
    }

    /**
     * Changes fields of a tenant in one conditional update that also raises the snapshot version and
     * stores the snapshot event of the result, so the two cannot part and no other field is written back
     * from an earlier read. The update applies only to the version that was read; the event therefore shows
     * exactly the document the update produces. A concurrent change makes it read again and retry, deciding
     * the change anew from what it reads.
     */
    private Mono<Tenant> change(String serviceId, Function<Tenant, Change> changeOf, String correlationId,
                                int attempt) {
        return mongo.findById(serviceId, Tenant.class)
                .switchIfEmpty(Mono.error(() -> NhnApiException.notFound("No service " + serviceId)))
                .flatMap(current -> {
                    Change change = changeOf.apply(current);
                    Tenant next = change.applied().nextVersion();
                    var update = new Update();
                    change.fields().forEach(update::set);
                    update.inc("keyVersion", 1).set("updatedAt", clock.instant())
                            .push("pendingEvents", outbox.pending(serviceId, snapshot(next, correlationId)));
                    return relay.writeThenRelay(mongo.findAndModify(sameVersion(current), update,
                            FindAndModifyOptions.options().returnNew(true), Tenant.class), Tenant.COLLECTION, serviceId);
                })
                .switchIfEmpty(Mono.defer(() -> attempt < MAX_ATTEMPTS
                        ? change(serviceId, changeOf, correlationId, attempt + 1)
                        : Mono.error(new NhnApiException(HttpStatus.CONFLICT, 409,
                                "Service " + serviceId + " is being changed concurrently; try again", null))));
    }

    private static Query sameVersion(Tenant tenant) {
        return Query.query(Criteria.where("_id").is(tenant.serviceId()).and("keyVersion").is(tenant.keyVersion()));
    }

    /**
     * The snapshot of a tenant as the given document shows it: each secret opened here and sealed for the edge,
     * with the same associated data the edge opens it with.
     */
    private TenantChanged snapshot(Tenant tenant, String correlationId) {
        String serviceId = tenant.serviceId();
        String key = secrets.open(tenant.sealedServiceKey(), Tenant.keyContext(serviceId));
        String agentSecret = tenant.sealedAgentSecret() == null ? null
                : secrets.open(tenant.sealedAgentSecret(), Tenant.agentSecretContext(serviceId));
        String webitelTokenSecret = tenant.sealedWebitelTokenSecret() == null ? null
                : secrets.open(tenant.sealedWebitelTokenSecret(), Tenant.webitelTokenSecretContext(serviceId));
        return TenantChanged.newBuilder()
                .setMetadata(metadata.create(serviceId, correlationId))
                .setServiceId(serviceId)
                .setOrganizationId(tenant.organizationId())
                .setDomain(tenant.domain())
                .setEnabled(tenant.enabled())
                .setKeyVersion(tenant.keyVersion())
                .setEdgeSealedServiceKey(ByteBuffer.wrap(edgeSealer.seal(key, serviceId)))
                .setEdgeSealedAgentSecret(agentSecret == null ? null
                        : ByteBuffer.wrap(edgeSealer.seal(agentSecret, HybridSeal.agentSecretContext(serviceId))))
                .setWebitelKey(tenant.webitelKey())
                .setEdgeSealedWebitelTokenSecret(webitelTokenSecret == null ? null : ByteBuffer.wrap(
                        edgeSealer.seal(webitelTokenSecret, HybridSeal.webitelTokenSecretContext(serviceId))))
                .setWebitelTokenExpiresAt(tenant.webitelTokenExpiresAt())
                .build();
    }

    /**
     * The tenant as the operator sees it: a secret only in the answer that set it (the clear values given),
     * else masked. The Webitel key and expiry are no secrets; the token is shown once.
     */
    private static TenantView view(Tenant tenant, String clearKey, String clearAgentSecret, String clearWebitelToken) {
        return new TenantView(tenant.serviceId(), tenant.organizationId(), tenant.domain(), tenant.enabled(),
                tenant.keyVersion(), clearKey == null ? MASK : clearKey,
                clearAgentSecret != null ? clearAgentSecret : tenant.sealedAgentSecret() == null ? null : MASK,
                tenant.webitelKey(),
                clearWebitelToken != null ? clearWebitelToken : tenant.sealedWebitelTokenSecret() == null ? null : MASK,
                tenant.webitelTokenExpiresAt() == null ? null : tenant.webitelTokenExpiresAt().toEpochMilli(),
                tenant.createdAt().toEpochMilli(), tenant.updatedAt().toEpochMilli());
    }

    private static String newSecret() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
