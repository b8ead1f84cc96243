package dev.switchboard.account.tenant;

import java.time.Instant;
import java.util.List;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

import dev.switchboard.platform.outbox.PendingEvent;

/**
 * A tenant ("service") and its API credentials: the NHN service key and the agent secret of the SuperOffice
 * dialect, both stored sealed, never in clear.
 *
 * @param keyVersion the snapshot version: raised by every change, carried by its {@code TenantChanged}, so
 *                   the edge can tell an older snapshot from a newer one (the event schema's field name
 *                   predates this wider meaning; it still rises with every key rotation)
 */
@Document(Tenant.COLLECTION)
record Tenant(@Id String serviceId, String organizationId, String domain, byte[] sealedServiceKey, int keyVersion,
              byte[] sealedAgentSecret, boolean enabled, Instant createdAt, Instant updatedAt, List<PendingEvent> pendingEvents) {

    static final String COLLECTION = "tenants";

    Tenant withEnabled(boolean enabled) {
        return new Tenant(serviceId, organizationId, domain, sealedServiceKey, keyVersion, sealedAgentSecret, enabled,
                createdAt, updatedAt, pendingEvents);
    }

    Tenant withSealedAgentSecret(byte[] sealedAgentSecret) {
        return new Tenant(serviceId, organizationId, domain, sealedServiceKey, keyVersion, sealedAgentSecret, enabled,
                createdAt, updatedAt, pendingEvents);
    }

    /** The tenant as the next change leaves it: one version on. */
    Tenant nextVersion() {
        return new Tenant(serviceId, organizationId, domain, sealedServiceKey, keyVersion + 1, sealedAgentSecret,
                enabled, createdAt, updatedAt, pendingEvents);
    }

    /** Associated data binding a sealed service key to its tenant. */
    static String keyContext(String serviceId) {
        return "tenant-service-key:" + serviceId;
    }

    /** Associated data binding a sealed agent secret to its tenant. */
    static String agentSecretContext(String serviceId) {
        return "tenant-agent-secret:" + serviceId;
    }
}
