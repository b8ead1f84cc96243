package dev.switchboard.account.tenant;

import java.time.Instant;
import java.util.List;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

import dev.switchboard.platform.outbox.PendingEvent;

/**
 * A tenant ("service") and its API credentials: the NHN service key and the agent secret of the SuperOffice
 * dialect, both stored sealed, never in clear.
 */
@Document(Tenant.COLLECTION)
record Tenant(@Id String serviceId, String organizationId, String domain, byte[] sealedServiceKey, int keyVersion,
              byte[] sealedAgentSecret, boolean enabled, Instant createdAt, Instant updatedAt, List<PendingEvent> pendingEvents) {

    static final String COLLECTION = "tenants";

    /** Associated data binding a sealed service key to its tenant. */
    static String keyContext(String serviceId) {
        return "tenant-service-key:" + serviceId;
    }

    /** Associated data binding a sealed agent secret to its tenant. */
    static String agentSecretContext(String serviceId) {
        return "tenant-agent-secret:" + serviceId;
    }
}
