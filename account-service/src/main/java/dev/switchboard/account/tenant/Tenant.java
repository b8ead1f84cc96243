package dev.switchboard.account.tenant;

import java.time.Instant;
import java.util.List;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

import dev.switchboard.platform.outbox.PendingEvent;

/**
 * A tenant ("service") and its API credentials: the NHN service key, the agent secret of the SuperOffice
 * dialect and the token secret of the Webitel dialect, each stored sealed, never in clear.
 *
 * @param keyVersion               the snapshot version: raised by every change, carried by its
 *                                 {@code TenantChanged}, so the edge can tell an older snapshot from a newer one
 *                                 (the event schema's field name predates this wider meaning; it still rises
 *                                 with every key rotation)
 * @param webitelKey               the Webitel dialect's {@code X-Key} (a UUID), null while the tenant has none
 * @param sealedWebitelTokenSecret the HMAC key that signs the tenant's current {@code X-Access-Token}
 *                                 ({@link WebitelToken}); a new one with every token, so a renewal ends the old
 * @param webitelTokenExpiresAt    when the current token expires (the {@code exp} it carries)
 */
@Document(Tenant.COLLECTION)
record Tenant(@Id String serviceId, String organizationId, String domain, byte[] sealedServiceKey, int keyVersion,
              byte[] sealedAgentSecret, String webitelKey, byte[] sealedWebitelTokenSecret,
              Instant webitelTokenExpiresAt, boolean enabled, Instant createdAt, Instant updatedAt,
              List<PendingEvent> pendingEvents) {

    static final String COLLECTION = "tenants";

    Tenant withEnabled(boolean enabled) {
        return new Tenant(serviceId, organizationId, domain, sealedServiceKey, keyVersion, sealedAgentSecret,
                webitelKey, sealedWebitelTokenSecret, webitelTokenExpiresAt, enabled, createdAt, updatedAt,
                pendingEvents);
    }

    Tenant withSealedAgentSecret(byte[] sealedAgentSecret) {
        return new Tenant(serviceId, organizationId, domain, sealedServiceKey, keyVersion, sealedAgentSecret,
                webitelKey, sealedWebitelTokenSecret, webitelTokenExpiresAt, enabled, createdAt, updatedAt,
                pendingEvents);
    }

    Tenant withWebitel(String webitelKey, byte[] sealedWebitelTokenSecret, Instant webitelTokenExpiresAt) {
        return new Tenant(serviceId, organizationId, domain, sealedServiceKey, keyVersion, sealedAgentSecret,
                webitelKey, sealedWebitelTokenSecret, webitelTokenExpiresAt, enabled, createdAt, updatedAt,
                pendingEvents);
    }

    Tenant withPendingEvents(List<PendingEvent> pendingEvents) {
        return new Tenant(serviceId, organizationId, domain, sealedServiceKey, keyVersion, sealedAgentSecret,
                webitelKey, sealedWebitelTokenSecret, webitelTokenExpiresAt, enabled, createdAt, updatedAt,
                pendingEvents);
    }

    /** The tenant as the next change leaves it: one version on. */
    Tenant nextVersion() {
        return new Tenant(serviceId, organizationId, domain, sealedServiceKey, keyVersion + 1, sealedAgentSecret,
                webitelKey, sealedWebitelTokenSecret, webitelTokenExpiresAt, enabled, createdAt, updatedAt,
                pendingEvents);
    }

    /** Associated data binding a sealed service key to its tenant. */
    static String keyContext(String serviceId) {
        return "tenant-service-key:" + serviceId;
    }

    /** Associated data binding a sealed agent secret to its tenant. */
    static String agentSecretContext(String serviceId) {
        return "tenant-agent-secret:" + serviceId;
    }

    /** Associated data binding a sealed Webitel token secret to its tenant. */
    static String webitelTokenSecretContext(String serviceId) {
        return "tenant-webitel-token-secret:" + serviceId;
    }
}
