package dev.switchboard.account.tenant;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;

/** Wire bodies of the operator API. */
final class TenantRequests {

    private TenantRequests() {
    }

    /** Registers a tenant; {@code serviceKey} may be given to import an existing credential, else one is generated. */
    record CreateTenantRequest(
            @NotBlank @Pattern(regexp = "[A-Za-z0-9_-]{1,64}", message = "must be 1-64 letters, digits, '_' or '-'") String serviceId,
            @NotBlank @Pattern(regexp = "[A-Za-z0-9]{1,64}", message = "must be 1-64 letters or digits") String organizationId,
            @NotBlank @Pattern(regexp = "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?", message = "must be a DNS label") String domain,
            @Pattern(regexp = "[A-Za-z0-9]{32,128}", message = "must be 32-128 letters or digits") String serviceKey) {
    }

    /** A tenant as the operator sees it; the key only once, in the answer to its creation. */
    record TenantView(String serviceId, String organizationId, String domain, boolean enabled, int keyVersion,
                      String serviceKey, long createdDt, long updatedDt) {
    }
}
