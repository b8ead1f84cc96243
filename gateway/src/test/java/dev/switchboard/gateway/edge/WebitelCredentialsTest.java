package dev.switchboard.gateway.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;

import dev.switchboard.gateway.tenant.TenantDirectory.TenantKey;
import dev.switchboard.platform.web.NhnApiException;

/** X-Key + X-Access-Token as the edge checks them, then the domain they are used for. */
class WebitelCredentialsTest {

    static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");
    static final Instant LATER = NOW.plusSeconds(3600);
    static final String ACME_KEY = "8fd26a17-eb28-4c74-aa6f-a3794f4f466c";
    static final String OTHER_KEY = "bed5ea60-84e7-4eba-b6ad-e3a23f220be1";
    static final String OFF_KEY = "1809dfa7-243c-49a6-a5ef-67f9d9565f3f";
    static final String STALE_KEY = "3f568b08-c691-4cf9-976e-28164360cf1c";
    static final String ACME_SECRET = newSecret();
    static final String OTHER_SECRET = newSecret();

    final Map<String, TenantKey> byKey = Map.of(
            ACME_KEY, tenant("acme", ACME_KEY, ACME_SECRET, LATER, true),
            OTHER_KEY, tenant("other", OTHER_KEY, OTHER_SECRET, LATER, true),
            OFF_KEY, tenant("off", OFF_KEY, ACME_SECRET, LATER, false),
            // the snapshot says the token expired (a renewal with a shorter life, a lapsed one), whatever a token claims
            STALE_KEY, tenant("stale", STALE_KEY, ACME_SECRET, NOW, true));
    final WebitelCredentials credentials = new WebitelCredentials(key -> Optional.ofNullable(byKey.get(key)),
            Clock.fixed(NOW, ZoneOffset.UTC));

    static TenantKey tenant(String serviceId, String key, String secret, Instant expiresAt, boolean enabled) {
        return new TenantKey(serviceId, serviceId + "Org", serviceId, "k".repeat(32), null, key, secret, expiresAt,
                enabled, 3);
    }

    static String newSecret() {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    /** A token as account-service issues it: the document's JWT header, {"exp","key"}, HS256. */
    static String token(String key, Instant expiresAt, String secret) throws Exception {
        var base64 = Base64.getUrlEncoder().withoutPadding();
        String signed = base64.encodeToString("{\"typ\":\"JWT\",\"alg\":\"HS256\"}".getBytes(StandardCharsets.UTF_8))
                + "." + base64.encodeToString(("{\"exp\":" + expiresAt.toEpochMilli() + ",\"key\":\"" + key + "\"}")
                .getBytes(StandardCharsets.UTF_8));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getUrlDecoder().decode(secret), "HmacSHA256"));
        return signed + "." + base64.encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
    }

    private void refused(String key, String token, List<String> domains, int status, String message) {
        assertThatThrownBy(() -> credentials.authenticate(key, token, domains))
                .isInstanceOfSatisfying(NhnApiException.class, e -> {
                    assertThat(e.status().value()).isEqualTo(status);
                    assertThat(e.getMessage()).isEqualTo(message);
                });
    }

    @Test
    void aValidTokenForTheTenantsDomainNamesTheTenant() throws Exception {
        String token = token(ACME_KEY, LATER, ACME_SECRET);
        assertThat(credentials.authenticate(ACME_KEY, token, List.of("acme"))).isEqualTo("acme");
        assertThat(credentials.authenticate(ACME_KEY, token, List.of("ACME"))).as("domains ignore case")
                .isEqualTo("acme");
        assertThat(credentials.authenticate(OTHER_KEY, token(OTHER_KEY, LATER, OTHER_SECRET), List.of("other")))
                .isEqualTo("other");
    }

    @Test
    void aWrongTokenIsUnauthorizedAndReadsLikeAnUnknownKey() throws Exception {
        String valid = token(ACME_KEY, LATER, ACME_SECRET);
        String otherSignature = token(ACME_KEY, LATER, OTHER_SECRET);
        String payloadOnly = valid.substring(0, valid.lastIndexOf('.'));
        char last = valid.charAt(valid.length() - 2);
        String flipped = valid.substring(0, valid.length() - 2) + (last == 'A' ? 'B' : 'A') + valid.charAt(valid.length() - 1);
        for (String token : new String[] {otherSignature, flipped, payloadOnly, payloadOnly + ".", valid + ".x",
                payloadOnly + ".%%%", "not-a-token", "a.b.c"}) {
            refused(ACME_KEY, token, List.of("acme"), 401, "The credentials are invalid");
        }
        refused("00000000-0000-0000-0000-000000000000", valid, List.of("acme"), 401, "The credentials are invalid");
    }

    @Test
    void aTokenExpiredByItsClaimIsUnauthorized() throws Exception {
        refused(ACME_KEY, token(ACME_KEY, NOW.minusMillis(1), ACME_SECRET), List.of("acme"), 401,
                "The access token is expired");
        refused(ACME_KEY, token(ACME_KEY, NOW, ACME_SECRET), List.of("acme"), 401, "The access token is expired");
    }

    @Test
    void aTokenExpiredByTheSnapshotIsUnauthorizedWhateverItClaims() throws Exception {
        refused(STALE_KEY, token(STALE_KEY, LATER, ACME_SECRET), List.of("stale"), 401, "The access token is expired");
        var noExpiry = new WebitelCredentials(key -> Optional.of(tenant("acme", ACME_KEY, ACME_SECRET, null, true)),
                Clock.fixed(NOW, ZoneOffset.UTC));
        assertThatThrownBy(() -> noExpiry.authenticate(ACME_KEY, token(ACME_KEY, LATER, ACME_SECRET), List.of("acme")))
                .isInstanceOfSatisfying(NhnApiException.class, e -> assertThat(e.status().value()).isEqualTo(401));
    }

    @Test
    void anotherTenantsKeyWithThisTokenIsUnauthorized() throws Exception {
        // acme's token presented with other's key: other's secret does not verify it
        refused(OTHER_KEY, token(ACME_KEY, LATER, ACME_SECRET), List.of("other"), 401, "The credentials are invalid");
        // a token signed with acme's secret that claims other's key, presented with acme's key or other's
        refused(ACME_KEY, token(OTHER_KEY, LATER, ACME_SECRET), List.of("acme"), 401, "The credentials are invalid");
        refused(OTHER_KEY, token(OTHER_KEY, LATER, ACME_SECRET), List.of("other"), 401, "The credentials are invalid");
    }

    @Test
    void bothHeadersAreRequired() throws Exception {
        String token = token(ACME_KEY, LATER, ACME_SECRET);
        String message = "X-Key and X-Access-Token headers are required";
        refused(null, token, List.of("acme"), 401, message);
        refused(ACME_KEY, null, List.of("acme"), 401, message);
        refused(" ", token, List.of("acme"), 401, message);
        refused(ACME_KEY, "", List.of("acme"), 401, message);
    }

    @Test
    void aMissingDomainIsABadRequestOnceTheCredentialsHold() throws Exception {
        String token = token(ACME_KEY, LATER, ACME_SECRET);
        refused(ACME_KEY, token, null, 400, "Domain name is required");
        refused(ACME_KEY, token, List.of(), 400, "Domain name is required");
        refused(ACME_KEY, token, List.of(""), 400, "Domain name is required");
        refused(ACME_KEY, token, List.of("acme", "other"), 400, "Domain name must be given once");
        // without valid credentials, the answer says nothing about the domain
        refused(ACME_KEY, token(ACME_KEY, LATER, OTHER_SECRET), null, 401, "The credentials are invalid");
    }

    @Test
    void anotherTenantsDomainIsForbidden() throws Exception {
        String token = token(ACME_KEY, LATER, ACME_SECRET);
        refused(ACME_KEY, token, List.of("other"), 403, "The credentials are not valid for this domain");
        refused(ACME_KEY, token, List.of("acme.example.com"), 403, "The credentials are not valid for this domain");
    }

    @Test
    void aDisabledTenantIsForbiddenOnlyWithAValidToken() throws Exception {
        refused(OFF_KEY, token(OFF_KEY, LATER, ACME_SECRET), List.of("off"), 403, "The service off is disabled");
        refused(OFF_KEY, token(OFF_KEY, LATER, OTHER_SECRET), List.of("off"), 401, "The credentials are invalid");
    }
}
