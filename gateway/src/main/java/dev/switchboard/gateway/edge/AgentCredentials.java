package dev.switchboard.gateway.edge;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Function;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import dev.switchboard.gateway.tenant.TenantDirectory;
import dev.switchboard.gateway.tenant.TenantDirectory.TenantKey;
import dev.switchboard.platform.web.NhnApiException;

/**
 * The SuperOffice dialect's credentials: {@code Authorization: Basic base64(serviceId:agentSecret)} or
 * {@code Authorization: Bearer serviceId.agentSecret}. The secret is compared in constant time (over
 * SHA-256 digests, so not even its length leaks), and every failure reads the same, so the answer does
 * not tell which tenants exist.
 */
@Component
class AgentCredentials {

    private static final String INVALID = "The credentials are invalid";

    private final Function<String, Optional<TenantKey>> tenants;

    @Autowired
    AgentCredentials(TenantDirectory tenants) {
        this(tenants::find);
    }

    AgentCredentials(Function<String, Optional<TenantKey>> tenants) {
        this.tenants = tenants;
    }

    /** The serviceId the header authenticates; a 401 otherwise. */
    String authenticate(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw NhnApiException.unauthorized("Authorization header is required: Basic or Bearer");
        }
        String header = authorization.trim();
        String serviceId;
        String secret;
        if (header.regionMatches(true, 0, "Basic ", 0, 6)) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw NhnApiException.unauthorized("Basic credentials must be Base64 of user:password");
            }
            int colon = decoded.indexOf(':');
            if (colon < 1) {
                throw NhnApiException.unauthorized("Basic credentials must be Base64 of user:password");
            }
            serviceId = decoded.substring(0, colon);
            secret = decoded.substring(colon + 1);
        } else if (header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String token = header.substring(7).trim();
            int dot = token.lastIndexOf('.');
            if (dot < 1) {
                throw NhnApiException.unauthorized(INVALID);
            }
            serviceId = token.substring(0, dot);
            secret = token.substring(dot + 1);
        } else {
            throw NhnApiException.unauthorized("Unsupported authorization scheme: use Basic or Bearer");
        }
        TenantKey tenant = tenants.apply(serviceId).orElse(null);
        // hash even when there is nothing to compare with, so an unknown tenant takes as long as a wrong secret
        boolean matches = MessageDigest.isEqual(sha256(secret),
                sha256(tenant == null || tenant.agentSecret() == null ? "" : tenant.agentSecret()));
        if (tenant == null || tenant.agentSecret() == null || !matches) {
            throw NhnApiException.unauthorized(INVALID);
        }
        if (!tenant.enabled()) {
            throw NhnApiException.forbidden("The service " + serviceId + " is disabled");
        }
        return serviceId;
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
