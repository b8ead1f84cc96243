package dev.switchboard.gateway.edge;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import dev.switchboard.gateway.tenant.TenantDirectory;
import dev.switchboard.gateway.tenant.TenantDirectory.TenantKey;
import dev.switchboard.platform.web.NhnApiException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Webitel dialect's credentials: {@code X-Key} names the tenant, {@code X-Access-Token} proves it. The token
 * is {@code header.payload.signature}, HMAC-SHA256 over {@code header.payload} with the tenant's token secret,
 * compared in constant time; its payload ({@code {"exp":<epoch ms>,"key":"<X-Key>"}}) must name this key and an
 * expiry still ahead, and so must the tenant's snapshot (a renewal gives the tenant a new secret and expiry).
 * Every bad credential reads the same, so the answer does not tell which keys exist. Only then is the
 * {@code domain} parameter checked against the tenant's domain.
 */
@Component
public final class WebitelCredentials {

    /** The Webitel email-settings API, exactly these paths: the edge authenticates and routes nothing else. */
    public static final String SETTINGS_PATH = "/api/v2/email/settings";
    /** The test-send of the email settings. */
    public static final String SETTINGS_TEST_PATH = "/api/v2/email/settings/test";
    /** Which mail the tenant's events send (acknowledgement, answer), beside the settings, under the same credentials. */
    public static final String NOTIFICATIONS_PATH = "/api/v2/email/notifications";
    static final Set<String> PATHS = Set.of(SETTINGS_PATH, SETTINGS_TEST_PATH, NOTIFICATIONS_PATH);

    static final String KEY_HEADER = "X-Key";
    static final String TOKEN_HEADER = "X-Access-Token";
    static final String DOMAIN = "domain";
    private static final String INVALID = "The credentials are invalid";
    private static final String EXPIRED = "The access token is expired";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Verified against when the key is unknown, so an unknown key costs what a wrong token does. */
    private static final byte[] NO_SECRET = new byte[32];

    private final Function<String, Optional<TenantKey>> tenantsByKey;
    private final Clock clock;

    @Autowired
    WebitelCredentials(TenantDirectory tenants) {
        this(tenants::findByWebitelKey, Clock.systemUTC());
    }

    WebitelCredentials(Function<String, Optional<TenantKey>> tenantsByKey, Clock clock) {
        this.tenantsByKey = tenantsByKey;
        this.clock = clock;
    }

    /**
     * The serviceId the headers authenticate for the domain asked for: 401 for missing, wrong or expired
     * credentials, 403 for a disabled tenant or another tenant's domain, 400 without a domain.
     *
     * @param domains the values of the {@code domain} query parameter (null if absent)
     */
    String authenticate(String key, String token, List<String> domains) {
        if (key == null || key.isBlank() || token == null || token.isBlank()) {
            throw NhnApiException.unauthorized(KEY_HEADER + " and " + TOKEN_HEADER + " headers are required");
        }
        key = key.trim();
        String[] parts = token.trim().split("\\.", -1);
        if (parts.length != 3) {
            throw NhnApiException.unauthorized(INVALID);
        }
        TenantKey tenant = tenantsByKey.apply(key).orElse(null);
        byte[] secret = tenant == null || tenant.webitelTokenSecret() == null ? null : secret(tenant);
        byte[] expected = hmac(secret == null ? NO_SECRET : secret, parts[0] + "." + parts[1]);
        byte[] presented;
        try {
            presented = Base64.getUrlDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            presented = new byte[0];
        }
        if (!MessageDigest.isEqual(expected, presented) || secret == null) {
            throw NhnApiException.unauthorized(INVALID);
        }
        // the payload is read only once its signature proved that the tenant's secret made it
        JsonNode claims = claims(parts[1]);
        if (!claims.path("key").isString() || !key.equals(claims.path("key").stringValue())) {
            throw NhnApiException.unauthorized(INVALID);
        }
        long now = clock.millis();
        JsonNode exp = claims.path("exp");
        if (!exp.isIntegralNumber() || !exp.canConvertToLong() || exp.longValue() <= now
                || tenant.webitelTokenExpiresAt() == null || tenant.webitelTokenExpiresAt().toEpochMilli() <= now) {
            throw NhnApiException.unauthorized(EXPIRED);
        }
        if (!tenant.enabled()) {
            throw NhnApiException.forbidden("The service " + tenant.serviceId() + " is disabled");
        }
        if (domains == null || domains.isEmpty() || domains.getFirst() == null || domains.getFirst().isBlank()) {
            throw NhnApiException.badRequest("Domain name is required");
        }
        if (domains.size() > 1) {
            throw NhnApiException.badRequest("Domain name must be given once");
        }
        if (!domains.getFirst().trim().toLowerCase(Locale.ROOT).equals(tenant.domain().toLowerCase(Locale.ROOT))) {
            throw NhnApiException.forbidden("The credentials are not valid for this domain");
        }
        return tenant.serviceId();
    }

    private static byte[] secret(TenantKey tenant) {
        try {
            byte[] secret = Base64.getUrlDecoder().decode(tenant.webitelTokenSecret());
            return secret.length == 0 ? null : secret;
        } catch (IllegalArgumentException e) {
            // account-service seals Base64url; anything else is a broken snapshot, which verifies nothing
            return null;
        }
    }

    private static JsonNode claims(String payload) {
        try {
            return JSON.readTree(Base64.getUrlDecoder().decode(payload));
        } catch (IllegalArgumentException | JacksonException e) {
            // signed by the tenant's secret yet unreadable: not a token account-service issued
            throw NhnApiException.unauthorized(INVALID);
        }
    }

    private static byte[] hmac(byte[] secret, String signed) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(signed.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
