package dev.switchboard.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/** Fresh tenants for tests that must not disturb the demo tenant. */
final class TestTenants {

    /** A tenant the gateway already knows, with a client signing as it. */
    record TestTenant(String serviceId, String organizationId, NhnClient nhn, String agentSecret) {
        String path(String rest) {
            return "/" + serviceId + "/openapi/v1/" + rest;
        }

        /** The SuperOffice dialect's Basic credential of this tenant. */
        String basicAuthorization() {
            return "Basic " + java.util.Base64.getEncoder().encodeToString(
                    (serviceId + ":" + agentSecret).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    private TestTenants() {
    }

    static TestTenant create(LocalStack stack, String prefix) {
        String serviceId = prefix + UUID.randomUUID().toString().substring(0, 8);
        String organizationId = prefix.substring(0, 1).toUpperCase() + prefix.substring(1) + "Org";
        String key = UUID.randomUUID().toString().replace("-", "");
        var created = stack.operator("POST", "/operator/v1/tenants", LocalStack.JSON.writeValueAsString(Map.of(
                "serviceId", serviceId, "organizationId", organizationId, "domain", prefix, "serviceKey", key)));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        String agentSecret = LocalStack.JSON.readTree(created.body()).path("result").path("content")
                .path("agentSecret").asString();
        var tenant = new TestTenant(serviceId, organizationId, new NhnClient(stack.baseUrl(), organizationId, key),
                agentSecret);
        // the gateway learns of a new tenant from the tenant topic a moment later
        await().atMost(Duration.ofSeconds(30))
                .until(() -> tenant.nhn().send("GET", tenant.path("mail.json"), null).statusCode() == 200);
        return tenant;
    }
}
