package dev.switchboard.devstack;

import static dev.switchboard.devstack.CategoryIT.contents;
import static dev.switchboard.devstack.CategoryIT.create;
import static dev.switchboard.devstack.CategoryIT.publicGet;
import static dev.switchboard.devstack.EdgeAuthenticationIT.assertEnvelopeError;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.switchboard.devstack.TestTenants.TestTenant;
import tools.jackson.databind.JsonNode;

/** Form fields per submission type: the seed's list as a contract, the admin API and user field checks. */
@ExtendWith(StackExtension.class)
class FieldIT {

    static JsonNode content(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = LocalStack.JSON.readTree(response.body());
        assertThat(body.path("header").path("resultCode").asInt()).as(response.body()).isEqualTo(200);
        return body.path("result").path("content");
    }

    static int resultCode(HttpResponse<String> response) {
        return LocalStack.JSON.readTree(response.body()).path("header").path("resultCode").asInt();
    }

    @Test
    void theSeedResponseIsWhatTheDemoTenantListsForItsCategory(LocalStack stack) throws Exception {
        JsonNode seed;
        try (var in = FieldIT.class.getResourceAsStream("/demo-fields.json")) {
            seed = LocalStack.JSON.readTree(in);
        }
        assertThat(LocalStack.JSON.readTree(publicGet(stack, "/demo/api/v2/ticket/field/user/2542.json").body()))
                .isEqualTo(seed);
        // signed, the same list
        assertThat(contents(stack.nhnClient().send("GET", "/demo/openapi/v1/ticket/field/user/2542.json", null)))
                .hasSize(20);
        // other categories show the default layout: the system fields without the consent
        JsonNode other = contents(publicGet(stack, "/demo/api/v2/ticket/field/user/2536.json"));
        assertThat(other.findValuesAsString("code")).containsExactly("category", "mail", "subject", "content", "name",
                "phone", "attachment", "typeOne", "typeTwo");

        assertEnvelopeError(publicGet(stack, "/demo/api/v2/ticket/field/user/999999.json"), 404, "No category 999999");
        assertEnvelopeError(publicGet(stack, "/demo/api/v2/ticket/field/user/abc.json"), 400, "categoryId");
    }

    @Test
    void customFieldsAreDefinedChosenPerCategoryAndInherited(LocalStack stack) {
        var tenant = TestTenants.create(stack, "form");
        long top = create(tenant, "{\"name\":\"Orders\"}");
        long child = create(tenant, "{\"parent\":" + top + ",\"name\":\"Returns\"}");
        JsonNode size = content(tenant.nhn().send("POST", tenant.path("ticket/fields.json"),
                "{\"code\":\"size\",\"type\":\"radio\",\"title\":\"Size\",\"required\":true,\"options\":[\"S\",\"M\"],"
                        + "\"languages\":{\"ko\":{\"title\":\"크기\",\"options\":[\"소\",\"중\"]}}}"));
        assertThat(size.path("fieldId").asLong()).isGreaterThanOrEqualTo(100);
        long sizeId = size.path("fieldId").asLong();
        JsonNode order = content(tenant.nhn().send("POST", tenant.path("ticket/fields.json"),
                "{\"code\":\"orderNo\",\"type\":\"text\",\"title\":\"Order number\",\"length\":10,\"encrypt\":true}"));
        long orderId = order.path("fieldId").asLong();

        content(tenant.nhn().send("PUT", tenant.path("ticket/categories/" + top + "/fields.json"),
                "{\"fieldIds\":[1,3,5,6," + orderId + "," + sizeId + "]}"));
        // the subcategory inherits its parent's layout
        JsonNode listed = contents(tenant.nhn().send("GET", tenant.path("ticket/field/user/" + child + ".json?language=ko"), null));
        assertThat(listed.findValuesAsString("code")).containsExactly("category", "mail", "subject", "content", "orderNo", "size");
        assertThat(listed.get(5).path("title").asString()).isEqualTo("크기");
        assertThat(listed.get(5).path("options").get(1).asString()).isEqualTo("중");
        assertThat(listed.get(4).path("value").isNull()).isTrue();
        assertThat(content(tenant.nhn().send("GET", tenant.path("ticket/categories/" + child + "/fields.json"), null))
                .path("inherited").asBoolean()).isTrue();

        String ticket = "{\"categoryId\":" + child + ",\"subject\":\"s\",\"content\":\"c\",\"language\":\"ko\","
                + "\"endUser\":{\"email\":\"f@example.com\",\"username\":\"F\"},\"userFields\":[%s]}";
        var missing = tenant.nhn().send("POST", tenant.path("ticket.json"), ticket.formatted(""));
        assertThat(missing.statusCode()).isEqualTo(400);
        JsonNode failure = LocalStack.JSON.readTree(missing.body()).path("result").path("contents").get(0);
        assertThat(failure.path("key").asString()).isEqualTo("validate.ticket.size.required");
        assertThat(failure.path("field").asString()).isEqualTo(String.valueOf(sizeId));
        var wrong = tenant.nhn().send("POST", tenant.path("ticket.json"),
                ticket.formatted("{\"code\":\"size\",\"value\":\"XL\"},{\"code\":\"orderNo\",\"value\":\"12345678901\"}"));
        assertThat(LocalStack.JSON.readTree(wrong.body()).path("result").path("contents").findValuesAsString("key"))
                .containsExactly("validate.ticket.orderNo.length", "validate.ticket.size.invalid");
        // an option in the ticket's language counts
        var made = tenant.nhn().send("POST", tenant.path("ticket.json"),
                ticket.formatted("{\"code\":\"size\",\"value\":\"중\"},{\"code\":\"orderNo\",\"value\":\"A-1\"}"));
        assertThat(made.statusCode()).as(made.body()).isEqualTo(200);

        // a deleted field leaves every layout
        content(tenant.nhn().send("DELETE", tenant.path("ticket/fields/" + orderId + ".json"), null));
        assertThat(contents(tenant.nhn().send("GET", tenant.path("ticket/field/user/" + top + ".json"), null))
                .findValuesAsString("code")).doesNotContain("orderNo");
        assertEnvelopeError(tenant.nhn().send("DELETE", tenant.path("ticket/fields/" + orderId + ".json"), null), 404,
                "No field");
    }

    @Test
    void badDefinitionsAndOtherTenantsAreRefused(LocalStack stack) {
        TestTenant tenant = TestTenants.create(stack, "form");
        TestTenant other = TestTenants.create(stack, "form");
        String fields = tenant.path("ticket/fields.json");
        assertEnvelopeError(tenant.nhn().send("POST", fields, "{\"code\":\"x\",\"type\":\"slider\",\"title\":\"X\"}"),
                400, "Invalid type 'slider'");
        assertEnvelopeError(tenant.nhn().send("POST", fields, "{\"code\":\"x\",\"type\":\"dropdown\",\"title\":\"X\"}"),
                400, "needs at least one");
        assertEnvelopeError(tenant.nhn().send("POST", fields,
                "{\"code\":\"x\",\"type\":\"text\",\"title\":\"X\",\"options\":[\"a\"]}"), 400, "has none");
        assertEnvelopeError(tenant.nhn().send("POST", fields,
                "{\"code\":\"x\",\"type\":\"radio\",\"title\":\"X\",\"options\":[\"a\",\"a\"]}"), 400, "once");
        assertEnvelopeError(tenant.nhn().send("POST", fields, "{\"code\":\"1x\",\"type\":\"text\",\"title\":\"X\"}"),
                400, "code");
        assertEnvelopeError(tenant.nhn().send("POST", fields, "{\"code\":\"x\",\"type\":\"text\",\"title\":\"X\",\"length\":-1}"),
                400, "length");
        assertEnvelopeError(tenant.nhn().send("POST", fields, "{\"code\":\"x\",\"type\":\"text\",\"title\":\"X\",\"fieldId\":5}"),
                400, "reserved");
        assertThat(resultCode(tenant.nhn().send("POST", fields, "{\"code\":\"mail\",\"type\":\"text\",\"title\":\"X\"}")))
                .isEqualTo(9007);
        assertEnvelopeError(tenant.nhn().send("PUT", tenant.path("ticket/fields/3.json"), "{\"required\":false}"),
                400, "always required");
        assertEnvelopeError(tenant.nhn().send("PUT", tenant.path("ticket/fields/4.json"), "{\"encrypt\":false}"),
                400, "always encrypted");
        assertEnvelopeError(tenant.nhn().send("PUT", tenant.path("ticket/fields/5.json"), "{\"length\":256}"),
                400, "1-255");
        assertEnvelopeError(tenant.nhn().send("DELETE", tenant.path("ticket/fields/5.json"), null), 400, "cannot be deleted");
        assertEnvelopeError(tenant.nhn().send("PUT", tenant.path("ticket/categories/0/fields.json"), "{\"fieldIds\":[1,5,6]}"),
                400, "mail (3)");
        assertEnvelopeError(tenant.nhn().send("PUT", tenant.path("ticket/categories/0/fields.json"),
                "{\"fieldIds\":[1,3,5,6,6]}"), 400, "twice");
        assertEnvelopeError(tenant.nhn().send("PUT", tenant.path("ticket/categories/0/fields.json"),
                "{\"fieldIds\":[1,3,5,6,999]}"), 400, "no field 999");

        long mine = content(tenant.nhn().send("POST", fields, "{\"code\":\"secret\",\"type\":\"text\",\"title\":\"S\"}"))
                .path("fieldId").asLong();
        assertThat(contents(other.nhn().send("GET", other.path("ticket/fields.json"), null)).findValuesAsString("code"))
                .doesNotContain("secret");
        assertEnvelopeError(other.nhn().send("PUT", other.path("ticket/fields/" + mine + ".json"), "{\"title\":\"x\"}"),
                404, "No field");
        long category = create(tenant, "{\"name\":\"Mine\"}");
        assertEnvelopeError(other.nhn().send("PUT", other.path("ticket/categories/" + category + "/fields.json"),
                "{\"fieldIds\":[1,3,5,6]}"), 404, "No category");
    }
}
