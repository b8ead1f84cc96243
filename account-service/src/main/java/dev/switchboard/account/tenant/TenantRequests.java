package dev.switchboard.account.tenant;

import jakarta.validation.constraints.Min;
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

    /**
     * Asks for Webitel credentials (or a renewed token) whose token lives {@code ttlSeconds}, shorter than the
     * configured lifetime; without it (or without a body), the token lives the configured lifetime.
     */
    record WebitelTokenRequest(@Min(value = 60, message = "must be at least 60") Long ttlSeconds) {
    }

    /**
     * A tenant as the operator sees it; each secret only once, in the answer that set it, else masked. The
     * Webitel {@code X-Key} and the token's expiry (epoch milliseconds) are shown always, the token
     * ({@code X-Access-Token}) only in the answer that issued it; the three are null while there are none.
     */
    record TenantView(String serviceId, String organizationId, String domain, boolean enabled, int keyVersion,
                      String serviceKey, String agentSecret, String webitelKey, String webitelAccessToken,
                      Long webitelTokenExpiresDt, long createdDt, long updatedDt) {
    }
}
