package dev.switchboard.devstack;

import static dev.switchboard.devstack.EdgeAuthenticationIT.assertEnvelopeError;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.switchboard.devstack.TestTenants.TestTenant;
import dev.switchboard.schemas.Topic;
import tools.jackson.databind.JsonNode;

/** Submission types: the seed's public list as a contract, the signed admin API and its tree rules. */
@ExtendWith(StackExtension.class)
class CategoryIT {

    static HttpResponse<String> publicGet(LocalStack stack, String pathAndQuery) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create(stack.baseUrl() + pathAndQuery)).GET().build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        }
    }

    static JsonNode contents(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return LocalStack.JSON.readTree(response.body()).path("result").path("contents");
    }

    static long create(TestTenant tenant, String body) {
        var response = tenant.nhn().send("POST", tenant.path("ticket/categories.json"), body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode content = LocalStack.JSON.readTree(response.body()).path("result").path("content");
        assertThat(content.path("categoryId").asLong()).as(response.body()).isPositive();
        return content.path("categoryId").asLong();
    }

    @Test
    void theSeedResponseIsWhatTheDemoTenantLists(LocalStack stack) throws Exception {
        JsonNode seed;
        try (var in = CategoryIT.class.getResourceAsStream("/seed-categories-response.json")) {
            seed = LocalStack.JSON.readTree(in);
        }
        // the seed shows Korean names: the demo tenant's default names are the seed's
        JsonNode listed = LocalStack.JSON.readTree(publicGet(stack, "/demo/api/v2/ticket/categories.json").body());
        assertThat(listed).isEqualTo(seed);
        JsonNode english = contents(publicGet(stack, "/demo/api/v2/ticket/categories.json?language=en"));
        assertThat(english.findValuesAsString("name")).startsWith("Type1", "Type2", "Type1-1");
        assertThat(contents(publicGet(stack, "/demo/api/v2/ticket/categories.json?language=xx"))
                .get(0).path("name").asString()).isEqualTo("유형1");

        JsonNode children = contents(publicGet(stack, "/demo/api/v2/ticket/categories.json?parent=2536"));
        assertThat(children.findValuesAsString("categoryId")).containsExactly("2538", "2539");
        JsonNode ancestors = contents(publicGet(stack, "/demo/api/v2/ticket/categories.json?child=2542"));
        assertThat(ancestors.findValuesAsString("categoryId")).containsExactly("2536", "2538", "2540", "2541");
        assertThat(contents(stack.nhnClient().send("GET", "/demo/openapi/v1/ticket/categories.json", null))).hasSize(7);

        assertEnvelopeError(publicGet(stack, "/demo/api/v2/ticket/categories.json?parent=abc"), 400, "parent");
        assertEnvelopeError(publicGet(stack, "/demo/api/v2/ticket/categories.json?parent=1&child=2"), 400, "parent or child");
        assertEnvelopeError(publicGet(stack, "/nosuchtenant/api/v2/ticket/categories.json"), 404, "nosuchtenant");
    }

    @Test
    void theTreeHasAtMostFiveLevelsAndNoCycles(LocalStack stack) {
        var tenant = TestTenants.create(stack, "cat");
        long parent = 0;
        long[] chain = new long[5];
        for (int level = 0; level < 5; level++) {
            chain[level] = create(tenant, "{\"parent\":" + parent + ",\"name\":\"L" + (level + 1) + "\"}");
            parent = chain[level];
        }
        JsonNode deepest = contents(tenant.nhn().send("GET", tenant.path("ticket/categories.json?child=" + chain[4]), null));
        assertThat(deepest).hasSize(4);
        var listed = contents(tenant.nhn().send("GET", tenant.path("ticket/categories.json"), null));
        JsonNode fifth = listed.get(4);
        assertThat(fifth.path("level").asInt()).isEqualTo(5);
        assertThat(fifth.path("path").asString()).isEqualTo("\\" + chain[0] + "\\" + chain[1] + "\\" + chain[2] + "\\"
                + chain[3] + "\\");

        // a sixth level is refused, by creating and by moving
        assertEnvelopeError(tenant.nhn().send("POST", tenant.path("ticket/categories.json"),
                "{\"parent\":" + chain[4] + ",\"name\":\"L6\"}"), 400, "at most 5 levels");
        long other = create(tenant, "{\"name\":\"Other\"}");
        long otherChild = create(tenant, "{\"parent\":" + other + ",\"name\":\"Other child\"}");
        assertEnvelopeError(tenant.nhn().send("PUT", tenant.path("ticket/categories/" + other + ".json"),
                "{\"parent\":" + chain[3] + "}"), 400, "6 levels deep");
        // under itself or its own descendant is a cycle
        assertEnvelopeError(tenant.nhn().send("PUT", tenant.path("ticket/categories/" + chain[1] + ".json"),
                "{\"parent\":" + chain[3] + "}"), 400, "under itself");
        assertEnvelopeError(tenant.nhn().send("PUT", tenant.path("ticket/categories/" + other + ".json"),
                "{\"parent\":" + other + "}"), 400, "under itself");

        // a move that fits takes the subtree along
        var moved = tenant.nhn().send("PUT", tenant.path("ticket/categories/" + other + ".json"),
                "{\"parent\":" + chain[2] + ",\"orderNo\":3,\"languages\":{\"en\":\"Other (en)\"}}");
        assertThat(moved.statusCode()).as(moved.body()).isEqualTo(200);
        var child = contents(tenant.nhn().send("GET", tenant.path("ticket/categories.json?child=" + otherChild), null));
        assertThat(child.findValuesAsString("categoryId")).containsExactly(String.valueOf(chain[0]),
                String.valueOf(chain[1]), String.valueOf(chain[2]), String.valueOf(other));

        var events = TopicTraffic.records(stack, Topic.CATEGORY_EVENTS, tenant.serviceId(), 8);
        assertThat(new String(events.getLast().value(), StandardCharsets.UTF_8)).contains("moved");
    }

    @Test
    void deletesOnlyUnusedLeaves(LocalStack stack) {
        var tenant = TestTenants.create(stack, "cat");
        long top = create(tenant, "{\"name\":\"Top\",\"languages\":{\"en\":\"Top\",\"ko\":\"위\"}}");
        long leaf = create(tenant, "{\"parent\":" + top + ",\"name\":\"Leaf\"}");
        long used = create(tenant, "{\"parent\":" + top + ",\"name\":\"Used\"}");
        var ticket = tenant.nhn().send("POST", tenant.path("ticket.json"), "{\"categoryId\":\"" + used
                + "\",\"subject\":\"s\",\"content\":\"c\",\"endUser\":{\"email\":\"d@example.com\",\"username\":\"D\"}}");
        assertThat(ticket.statusCode()).as(ticket.body()).isEqualTo(200);

        assertThat(LocalStack.JSON.readTree(tenant.nhn().send("DELETE", tenant.path("ticket/categories/" + top + ".json"),
                null).body()).path("header").path("resultCode").asInt()).isEqualTo(9007);
        assertThat(LocalStack.JSON.readTree(tenant.nhn().send("DELETE", tenant.path("ticket/categories/" + used + ".json"),
                null).body()).path("header").path("resultMessage").asString()).contains("has tickets");
        assertThat(tenant.nhn().send("DELETE", tenant.path("ticket/categories/" + leaf + ".json"), null).statusCode())
                .isEqualTo(200);
        assertEnvelopeError(tenant.nhn().send("DELETE", tenant.path("ticket/categories/" + leaf + ".json"), null), 404,
                "No category");
        assertThat(contents(tenant.nhn().send("GET", tenant.path("ticket/categories.json"), null))
                .findValuesAsString("categoryId")).containsExactly(String.valueOf(top), String.valueOf(used));
        // ids are never reused
        assertThat(create(tenant, "{\"name\":\"Next\"}")).isGreaterThan(used);
    }

    @Test
    void badInputAndOtherTenantsAreRefused(LocalStack stack) {
        var tenant = TestTenants.create(stack, "cat");
        var other = TestTenants.create(stack, "cat");
        long mine = create(tenant, "{\"name\":\"Mine\"}");

        assertEnvelopeError(tenant.nhn().send("POST", tenant.path("ticket/categories.json"), "{\"name\":\"\"}"), 400, "name");
        assertEnvelopeError(tenant.nhn().send("POST", tenant.path("ticket/categories.json"),
                "{\"name\":\"" + "n".repeat(101) + "\"}"), 400, "name");
        assertEnvelopeError(tenant.nhn().send("POST", tenant.path("ticket/categories.json"),
                "{\"name\":\"x\",\"parent\":\"abc\"}"), 400, "parent");
        assertEnvelopeError(tenant.nhn().send("POST", tenant.path("ticket/categories.json"),
                "{\"name\":\"x\",\"colour\":1}"), 400, "colour");
        assertEnvelopeError(tenant.nhn().send("POST", tenant.path("ticket/categories.json"),
                "{\"name\":\"x\",\"languages\":{\"<script>\":\"x\"}}"), 400, "language code");
        assertEnvelopeError(tenant.nhn().send("POST", tenant.path("ticket/categories.json"),
                "{\"name\":\"x\",\"parent\":999999}"), 400, "no category 999999");
        assertThat(LocalStack.JSON.readTree(tenant.nhn().send("POST", tenant.path("ticket/categories.json"),
                "{\"categoryId\":" + mine + ",\"name\":\"again\"}").body()).path("header").path("resultCode").asInt())
                .isEqualTo(9007);

        // another tenant neither sees nor changes nor uses it
        assertThat(contents(other.nhn().send("GET", other.path("ticket/categories.json"), null))).isEmpty();
        assertEnvelopeError(other.nhn().send("PUT", other.path("ticket/categories/" + mine + ".json"),
                "{\"name\":\"stolen\"}"), 404, "No category");
        assertEnvelopeError(other.nhn().send("DELETE", other.path("ticket/categories/" + mine + ".json"), null), 404,
                "No category");
        var foreignTicket = other.nhn().send("POST", other.path("ticket.json"), "{\"categoryId\":" + mine
                + ",\"subject\":\"s\",\"content\":\"c\",\"endUser\":{\"email\":\"d@example.com\",\"username\":\"D\"}}");
        assertThat(foreignTicket.statusCode()).isEqualTo(400);
        JsonNode failure = LocalStack.JSON.readTree(foreignTicket.body()).path("result").path("contents").get(0);
        assertThat(failure.path("objectName").asString()).isEqualTo("category");
        assertThat(failure.path("validate").asString()).isEqualTo("invalid");
        assertThat(List.of(contents(tenant.nhn().send("GET", tenant.path("ticket/categories.json"), null))
                .get(0).path("name").asString())).containsExactly("Mine");
    }
}
