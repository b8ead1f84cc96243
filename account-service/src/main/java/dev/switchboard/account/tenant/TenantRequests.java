package dev.switchboard.account.tenant;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;

/** Wire bodies of the operator API. */
final class TenantRequests {

    private TenantRequests() {
    }

    /**
     * Path segments the public URL space uses for itself: a tenant named so would share their paths
     * ({@code /actuator/...}, {@code /operator/...}, {@code /api/...}).
     */
    static final String RESERVED = "(?!(?i:actuator|operator|api)$)";

    /** Registers a tenant; {@code serviceKey} may be given to import an existing credential, else one is generated. */
    record CreateTenantRequest(
            @NotBlank @Pattern(regexp = RESERVED + "[A-Za-z0-9_-]{1,64}",
                    message = "must be 1-64 letters, digits, '_' or '-', and not actuator, operator or api") String serviceId,
            @NotBlank @Pattern(regexp = "[A-Za-z0-9]{1,64}", message = "must be 1-64 letters or digits") String organizationId,
            @NotBlank @Pattern(regexp = "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?", message = "must be a DNS label") String domain,
            @Pattern(regexp = "[A-Za-z0-9]{32,128}", message = "must be 32-128 letters or digits") String serviceKey,
            @Pattern(regexp = "[A-Za-z0-9]{32,128}", message = "must be 32-128 letters or digits") String agentSecret) {
    }

    /** Sets a tenant's agent secret: the given one (importing a credential), else a new random one. */
    record AgentSecretRequest(
            @Pattern(regexp = "[A-Za-z0-9]{32,128}", message = "must be 32-128 letters or digits") String agentSecret) {
    }

    /** A tenant as the operator sees it; each secret only once, in the answer that set it, else masked. */
    record TenantView(String serviceId, String organizationId, String domain, boolean enabled, int keyVersion,
                      String serviceKey, String agentSecret, long createdDt, long updatedDt) {
    }
}
