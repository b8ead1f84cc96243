package dev.switchboard.devstack;

import static dev.switchboard.devstack.EdgeAuthenticationIT.assertEnvelopeError;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.bson.Document;
import org.bson.types.Binary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.mongodb.client.MongoClients;
import com.mongodb.client.model.Filters;

import dev.switchboard.schemas.Topic;
import tools.jackson.databind.JsonNode;

/**
 * Personal data in tickets: sealed at rest (read straight from Mongo), opened in one ticket's detail, and
 * found by the list's e-mail and name filters through keyed hashes that only match within one tenant.
 */
@ExtendWith(StackExtension.class)
class TicketPersonalDataIT {

    @Test
    void emailPhoneAndEncryptedFieldsAreSealedAtRestAndOpenedInTheDetail(LocalStack stack) throws IOException {
        var tenant = TestTenants.create(stack, "seal");
        long secretField = content(tenant.nhn().send("POST", tenant.path("ticket/fields.json"),
                "{\"code\":\"passport\",\"type\":\"text\",\"title\":\"Passport\",\"encrypt\":true}"))
                .path("fieldId").asLong();
        long plainField = content(tenant.nhn().send("POST", tenant.path("ticket/fields.json"),
                "{\"code\":\"topics\",\"type\":\"checkbox\",\"title\":\"Topics\",\"options\":[\"billing\",\"delivery\"]}"))
                .path("fieldId").asLong();
        content(tenant.nhn().send("PUT", tenant.path("ticket/categories/0/fields.json"),
                "{\"fieldIds\":[1,3,5,6,2,4," + secretField + "," + plainField + "]}"));

        String ticketId = create(tenant, "Where is my parcel", "Kim.Lee@Example.com", "Kim Lee", "010-5555-0199",
                ",\"userFields\":[{\"code\":\"passport\",\"value\":\"M12345678\"},"
                        + "{\"code\":\"topics\",\"value\":[\"delivery\"]}]");

        Document stored = storedTicket(stack, ticketId);
        String raw = stored.toJson();
        assertThat(raw).doesNotContainIgnoringCase("kim.lee@example.com").doesNotContain("010-5555-0199")
                .doesNotContain("M12345678");
        Document endUser = stored.get("endUser", Document.class);
        assertThat(endUser.get("email", Document.class).get("sealed")).isInstanceOf(Binary.class);
        assertThat(endUser.get("email", Document.class).getString("hash")).hasSize(43);
        assertThat(endUser.get("phone", Document.class).get("sealed")).isInstanceOf(Binary.class);
        // the name is not marked encrypt in this form: kept readable, with a hash for the filter
        assertThat(endUser.get("username", Document.class).getString("clear")).isEqualTo("Kim Lee");
        assertThat(endUser.get("username", Document.class).getString("hash")).hasSize(43);
        // a field not marked encrypt stays readable (and reportable)
        assertThat(raw).contains("delivery");

        JsonNode detail = content(tenant.nhn().send("GET", tenant.path("ticket/" + ticketId + ".json"), null));
        assertThat(detail.path("endUser").path("email").asString()).isEqualTo("Kim.Lee@Example.com");
        assertThat(detail.path("endUser").path("username").asString()).isEqualTo("Kim Lee");
        assertThat(detail.path("endUser").path("phone").asString()).isEqualTo("010-5555-0199");
        assertThat(detail.path("userFields").findValuesAsString("code")).containsExactly("passport", "topics");
        assertThat(detail.path("userFields").get(0).path("value").asString()).isEqualTo("M12345678");
        assertThat(detail.path("userFields").get(1).path("value").get(0).asString()).isEqualTo("delivery");
        // lists never open personal data
        JsonNode listed = result(tenant.nhn().send("GET", tenant.path("ticket/list.json"), null)).path("contents");
        assertThat(listed.toString()).doesNotContainIgnoringCase("kim.lee@example.com").doesNotContain("M12345678");

        // once the form marks the name encrypt, new tickets keep it sealed too
        content(tenant.nhn().send("PUT", tenant.path("ticket/fields/2.json"), "{\"encrypt\":true}"));
        String sealedName = create(tenant, "Second", "kim.lee@example.com", "Kim Lee", null,
                ",\"userFields\":[{\"code\":\"passport\",\"value\":\"M12345678\"}]");
        Document second = storedTicket(stack, sealedName);
        assertThat(second.toJson()).doesNotContain("Kim Lee");
        assertThat(second.get("endUser", Document.class).get("username", Document.class).get("sealed"))
                .isInstanceOf(Binary.class);
        // the same name gives the same hash sealed or not, so the filter still finds both
        assertThat(second.get("endUser", Document.class).get("username", Document.class).getString("hash"))
                .isEqualTo(endUser.get("username", Document.class).getString("hash"));
        assertThat(ids(tenant, "username=" + encode("kim lee"))).containsExactlyInAnyOrder(ticketId, sealedName);
        assertThat(content(tenant.nhn().send("GET", tenant.path("ticket/" + sealedName + ".json"), null))
                .path("endUser").path("username").asString()).isEqualTo("Kim Lee");

        // neither the event stream nor any service log holds the personal data in clear
        for (var record : TopicTraffic.all(stack, Topic.TICKET_EVENTS)) {
            assertThat(new String(record.value(), StandardCharsets.ISO_8859_1))
                    .doesNotContainIgnoringCase("kim.lee@example.com").doesNotContain("010-5555-0199")
                    .doesNotContain("M12345678");
        }
        Path logs = Path.of(System.getProperty("switchboard.logs.dir", "target/it-logs"));
        try (Stream<Path> files = Files.walk(logs)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(file, StandardCharsets.UTF_8)).as(file.toString())
                        .doesNotContainIgnoringCase("kim.lee@example.com").doesNotContain("010-5555-0199")
                        .doesNotContain("M12345678");
            }
        }
    }

    @Test
    void listFiltersFindSubjectsEmailsAndNamesWithinTheTenantOnly(LocalStack stack) {
        var tenant = TestTenants.create(stack, "filter");
        String first = create(tenant, "Refund (urgent) [A-1]", "ann@example.com", "Ann Smith", null, "");
        String second = create(tenant, "Delivery question", "ANN@example.com", "Ann  Smith", null, "");
        String third = create(tenant, "refund please", "bob@example.com", "Bob", null, "");

        // the address matches whole, ignoring case; the name ignoring case and repeated spaces
        assertThat(ids(tenant, "email=" + encode(" Ann@Example.COM "))).containsExactlyInAnyOrder(first, second);
        assertThat(ids(tenant, "email=ann@example")).isEmpty();
        assertThat(ids(tenant, "username=" + encode("ann smith"))).containsExactlyInAnyOrder(first, second);
        assertThat(ids(tenant, "username=ann")).isEmpty();
        // the subject matches a part, ignoring case, with regular-expression characters taken literally
        assertThat(ids(tenant, "subject=refund")).containsExactlyInAnyOrder(first, third);
        assertThat(ids(tenant, "subject=" + encode("(urgent) [A-1]"))).containsExactly(first);
        assertThat(ids(tenant, "subject=" + encode(".*"))).isEmpty();
        // filters combine
        assertThat(ids(tenant, "subject=refund&email=bob%40example.com")).containsExactly(third);
        assertThat(ids(tenant, "subject=delivery&email=bob%40example.com")).isEmpty();

        // another tenant with a customer of the same address sees only its own ticket
        var other = TestTenants.create(stack, "filtertwo");
        String theirs = create(other, "Refund", "ann@example.com", "Ann Smith", null, "");
        assertThat(ids(other, "email=ann%40example.com")).containsExactly(theirs);
        assertThat(ids(other, "username=" + encode("Ann Smith"))).containsExactly(theirs);
        assertThat(ids(tenant, "email=ann%40example.com")).doesNotContain(theirs);

        assertEnvelopeError(tenant.nhn().send("GET", tenant.path("ticket/list.json?subject=" + "s".repeat(256)), null),
                400, "subject");
        assertEnvelopeError(tenant.nhn().send("GET", tenant.path("ticket/list.json?email=" + "e".repeat(255)), null),
                400, "email");
        assertEnvelopeError(tenant.nhn().send("GET", tenant.path("ticket/list.json?username=" + "n".repeat(101)), null),
                400, "username");
    }

    private static String create(TestTenants.TestTenant tenant, String subject, String email, String username,
                                 String phone, String extra) {
        String body = "{\"subject\":\"" + subject + "\",\"content\":\"c\",\"endUser\":{\"email\":\"" + email
                + "\",\"username\":\"" + username + "\"" + (phone == null ? "" : ",\"phone\":\"" + phone + "\"")
                + "}" + extra + "}";
        return content(tenant.nhn().send("POST", tenant.path("ticket.json"), body)).path("ticketId").asString();
    }

    private static List<String> ids(TestTenants.TestTenant tenant, String query) {
        return result(tenant.nhn().send("GET", tenant.path("ticket/list.json?" + query), null)).path("contents")
                .findValuesAsString("ticketId");
    }

    static Document storedTicket(LocalStack stack, String ticketId) {
        try (var client = MongoClients.create(stack.infrastructure().mongoUri())) {
            Document found = client.getDatabase("switchboard-ticket").getCollection("tickets")
                    .find(Filters.eq("_id", ticketId)).first();
            assertThat(found).as("stored ticket " + ticketId).isNotNull();
            return found;
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static JsonNode content(HttpResponse<String> response) {
        return result(response).path("content");
    }

    private static JsonNode result(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return LocalStack.JSON.readTree(response.body()).path("result");
    }
}
