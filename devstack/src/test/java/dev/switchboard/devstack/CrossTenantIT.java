package dev.switchboard.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import tools.jackson.databind.JsonNode;

/**
 * One tenant's valid credentials against every endpoint that takes another tenant's id: nothing is read,
 * changed or deleted, nothing of the owner's data comes back, and no answer is a 5xx.
 */
@ExtendWith(StackExtension.class)
class CrossTenantIT {

    private static final String SECRET_SUBJECT = "Owner's confidential subject";

    @Test
    void noEndpointOpensAnotherTenantsIds(LocalStack stack) throws Exception {
        var owner = TestTenants.create(stack, "owner");
        var intruder = TestTenants.create(stack, "intruder");
        long category = CategoryIT.create(owner, "{\"name\":\"Owner only\"}");
        String file = AttachmentIT.upload(owner.nhn(), "/" + owner.serviceId(), "owner.png", AttachmentIT.PNG);
        String ticketBody = LocalStack.JSON.writeValueAsString(Map.of(
                "categoryId", category, "subject", SECRET_SUBJECT, "content", "c",
                "endUser", Map.of("email", "owner-customer@customers.example", "username", "O", "usercode", "u1"),
                "attachments", List.of(Map.of("attachmentId", file))));
        var created = TicketToMailIT.createWithFreshUpload(owner.nhn(), owner.path("ticket.json"), ticketBody);
        String ticket = LocalStack.JSON.readTree(created.body()).path("result").path("content").path("ticketId").asString();
        String mailbox = ExternalAccountVerifyIT.mailbox(stack);
        String mailboxBody = ExternalAccountVerifyIT.body("127.0.0.1", stack.infrastructure().imapPort(), false, mailbox,
                ExternalAccountVerifyIT.PASSWORD);
        var registered = owner.nhn().send("POST", owner.path("mail/external.json"), mailboxBody);
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);
        int account = LocalStack.JSON.readTree(registered.body()).path("result").path("content").path("id").asInt();

        List<String[]> attempts = List.of(
                new String[] {"GET", "ticket/" + ticket + ".json", null},
                new String[] {"POST", "ticket/solve.json?id=" + ticket, "{\"comment\":\"hijacked\"}"},
                new String[] {"POST", "ticket/" + ticket + "/open.json", null},
                new String[] {"POST", "ticket/" + ticket + "/close.json", null},
                new String[] {"POST", "ticket/" + ticket + "/reopen.json", null},
                new String[] {"GET", "ticket/enduser/u1/" + ticket + "/detail.json", null},
                new String[] {"POST", "ticket/enduser/u1/" + ticket + "/comment.json", "{\"comment\":\"hijacked\"}"},
                new String[] {"GET", "ticket/attachments/" + file + ".json", null},
                new String[] {"GET", "ticket/attachments/" + file + "/link.json?type=download", null},
                new String[] {"GET", "ticket/attachments/" + file + "?type=download", null},
                new String[] {"DELETE", "ticket/attachments/" + file + ".json", null},
                new String[] {"PUT", "mail/external/" + account + ".json", mailboxBody},
                new String[] {"PUT", "mail/external/" + account + "/disable.json", null},
                new String[] {"DELETE", "mail/external/" + account + ".json", null},
                new String[] {"PUT", "ticket/categories/" + category + ".json", "{\"name\":\"hijacked\"}"},
                new String[] {"DELETE", "ticket/categories/" + category + ".json", null},
                new String[] {"GET", "ticket/categories/" + category + "/fields.json", null});
        for (String[] attempt : attempts) {
            HttpResponse<String> response = intruder.nhn().send(attempt[0], intruder.path(attempt[1]), attempt[2]);
            String what = attempt[0] + " " + attempt[1] + " -> " + response.statusCode() + " " + response.body();
            assertThat(response.statusCode()).as(what).isLessThan(500);
            assertThat(response.body()).as(what).doesNotContain(SECRET_SUBJECT).doesNotContain("owner.png")
                    .doesNotContain(mailbox).doesNotContain("Owner only");
            if (!attempt[1].startsWith("ticket/categories/" + category + "/fields")) {
                JsonNode header = LocalStack.JSON.readTree(response.body()).path("header");
                assertThat(header.path("isSuccessful").asBoolean(true)).as(what).isFalse();
            }
        }

        // the owner's data is as it was
        JsonNode detail = LocalStack.JSON.readTree(owner.nhn().send("GET", owner.path("ticket/" + ticket + ".json"), null)
                .body()).path("result").path("content");
        assertThat(detail.path("status").asString()).isEqualTo("new");
        assertThat(detail.path("contents").isEmpty()).isTrue();
        assertThat(owner.nhn().send("GET", owner.path("ticket/attachments/" + file + ".json"), null).statusCode())
                .isEqualTo(200);
        JsonNode external = LocalStack.JSON.readTree(owner.nhn().send("GET", owner.path("mail.json"), null).body())
                .path("result").path("content").path("external");
        assertThat(external.findValuesAsString("mail")).containsExactly(mailbox);
        assertThat(external.get(0).path("active").asBoolean()).isTrue();
        JsonNode categories = CategoryIT.contents(CategoryIT.publicGet(stack,
                "/" + owner.serviceId() + "/api/v2/ticket/categories.json"));
        assertThat(categories.findValuesAsString("name")).containsExactly("Owner only");
    }
}
