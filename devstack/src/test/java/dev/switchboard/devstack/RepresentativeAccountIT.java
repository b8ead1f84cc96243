package dev.switchboard.devstack;

import static dev.switchboard.devstack.EdgeAuthenticationIT.assertEnvelopeError;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import tools.jackson.databind.JsonNode;

/** NHN "create representative account": once per tenant, one tenant per address, a valid local part. */
@ExtendWith(StackExtension.class)
class RepresentativeAccountIT {

    @Test
    void createsTheRepresentativeAccountOnceAndShowsItInMailJson(LocalStack stack) {
        var tenant = TestTenants.create(stack, "rep");
        String local = tenant.serviceId().toLowerCase();

        var created = tenant.nhn().send("POST", tenant.path("mail/create.json?mail=" + local), null);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        JsonNode content = LocalStack.JSON.readTree(created.body()).path("result").path("content");
        assertThat(content.path("mail").asString()).isEqualTo(local + "@oc.switchboard.local");
        assertThat(content.path("external").isArray()).isTrue();

        var again = tenant.nhn().send("POST", tenant.path("mail/create.json?mail=other" + local), null);
        assertThat(LocalStack.JSON.readTree(again.body()).path("header").path("resultCode").asInt()).isEqualTo(9007);

        JsonNode settings = LocalStack.JSON.readTree(tenant.nhn().send("GET", tenant.path("mail.json"), null).body());
        assertThat(settings.path("result").path("content").path("mail").asString()).isEqualTo(local + "@oc.switchboard.local");
    }

    @Test
    void anAddressBelongsToOneTenantOnly(LocalStack stack) {
        var first = TestTenants.create(stack, "one");
        var second = TestTenants.create(stack, "two");
        String local = "shared" + first.serviceId().toLowerCase();
        assertThat(first.nhn().send("POST", first.path("mail/create.json?mail=" + local), null).statusCode()).isEqualTo(200);

        var taken = second.nhn().send("POST", second.path("mail/create.json?mail=" + local), null);
        JsonNode header = LocalStack.JSON.readTree(taken.body()).path("header");
        assertThat(header.path("resultCode").asInt()).isEqualTo(9007);
        assertThat(header.path("resultMessage").asString()).contains("not available");
    }

    @Test
    void refusesWhatIsNotALocalPart(LocalStack stack) {
        var tenant = TestTenants.create(stack, "bad");
        for (String invalid : new String[] {"a@b", ".dot", "two..dots", "space%20inside", "x".repeat(65)}) {
            assertEnvelopeError(tenant.nhn().send("POST", tenant.path("mail/create.json?mail=" + invalid), null),
                    400, "before the @");
        }
        assertEnvelopeError(tenant.nhn().send("POST", tenant.path("mail/create.json"), null), 400, "'mail' is required");
    }
}
