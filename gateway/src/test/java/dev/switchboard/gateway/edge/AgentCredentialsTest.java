package dev.switchboard.gateway.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.switchboard.gateway.tenant.TenantDirectory.TenantKey;
import dev.switchboard.platform.web.NhnApiException;

class AgentCredentialsTest {

    static final String SECRET = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718";

    final Map<String, TenantKey> tenants = Map.of(
            "acme", new TenantKey("acme", "AcmeOrg", "acme", "k", SECRET, null, null, null, true, 1),
            "old", new TenantKey("old", "OldOrg", "old", "k", null, null, null, null, true, 1),
            "off", new TenantKey("off", "OffOrg", "off", "k", SECRET, null, null, null, false, 1));
    final AgentCredentials credentials = new AgentCredentials(id -> Optional.ofNullable(tenants.get(id)));

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void basicAndBearerNameTheTenant() {
        assertThat(credentials.authenticate(basic("acme", SECRET))).isEqualTo("acme");
        assertThat(credentials.authenticate("bearer acme." + SECRET)).isEqualTo("acme");
    }

    @Test
    void wrongSecretUnknownTenantAndNoSecretAllReadTheSame() {
        for (String header : new String[] {basic("acme", SECRET + "x"), basic("acme", ""), basic("nobody", SECRET),
                basic("old", ""), "Bearer acme." + SECRET.substring(1), "Bearer nobody." + SECRET, "Bearer " + SECRET}) {
            assertThatThrownBy(() -> credentials.authenticate(header))
                    .isInstanceOfSatisfying(NhnApiException.class, e -> {
                        assertThat(e.status().value()).isEqualTo(401);
                        assertThat(e.getMessage()).isEqualTo("The credentials are invalid");
                    });
        }
    }

    @Test
    void malformedHeadersAreUnauthorizedWithTheReason() {
        assertThatThrownBy(() -> credentials.authenticate(null)).hasMessageContaining("required");
        assertThatThrownBy(() -> credentials.authenticate("Basic %%%")).hasMessageContaining("Base64");
        assertThatThrownBy(() -> credentials.authenticate("Basic " + Base64.getEncoder().encodeToString(
                "no-colon".getBytes(StandardCharsets.UTF_8)))).hasMessageContaining("user:password");
        assertThatThrownBy(() -> credentials.authenticate("Digest x")).hasMessageContaining("Basic or Bearer");
    }

    @Test
    void aDisabledTenantIsForbiddenOnlyWithTheRightSecret() {
        assertThatThrownBy(() -> credentials.authenticate(basic("off", SECRET)))
                .isInstanceOfSatisfying(NhnApiException.class, e -> assertThat(e.status().value()).isEqualTo(403));
        assertThatThrownBy(() -> credentials.authenticate(basic("off", "guess")))
                .isInstanceOfSatisfying(NhnApiException.class, e -> assertThat(e.status().value()).isEqualTo(401));
    }
}
