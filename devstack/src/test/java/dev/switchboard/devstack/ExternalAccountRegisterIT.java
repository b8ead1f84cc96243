package dev.switchboard.devstack;

import static dev.switchboard.devstack.EdgeAuthenticationIT.assertEnvelopeError;
import static dev.switchboard.devstack.ExternalAccountVerifyIT.PASSWORD;
import static dev.switchboard.devstack.ExternalAccountVerifyIT.body;
import static dev.switchboard.devstack.ExternalAccountVerifyIT.mailbox;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.switchboard.schemas.Topic;
import tools.jackson.databind.JsonNode;

/** Registering external mailboxes: only after a real login, per-tenant ids, password sealed and masked. */
@ExtendWith(StackExtension.class)
class ExternalAccountRegisterIT {

    @Test
    void registersVerifiedMailboxesWithTenantIdsAndNeverShowsThePassword(LocalStack stack) {
        var tenant = TestTenants.create(stack, "ext");
        int imap = stack.infrastructure().imapPort();
        String first = mailbox(stack);
        String second = mailbox(stack);

        var registered = tenant.nhn().send("POST", tenant.path("mail/external.json"), body("127.0.0.1", imap, false, first, PASSWORD));
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);
        JsonNode content = LocalStack.JSON.readTree(registered.body()).path("result").path("content");
        assertThat(content.path("id").asInt()).isEqualTo(1);
        assertThat(content.path("password").asString()).isEqualTo("********");
        assertThat(content.path("active").asBoolean()).isTrue();
        var next = tenant.nhn().send("POST", tenant.path("mail/external.json"), body("127.0.0.1", imap, false, second, PASSWORD));
        assertThat(LocalStack.JSON.readTree(next.body()).path("result").path("content").path("id").asInt()).isEqualTo(2);

        var again = tenant.nhn().send("POST", tenant.path("mail/external.json"), body("127.0.0.1", imap, false, first, PASSWORD));
        assertThat(LocalStack.JSON.readTree(again.body()).path("header").path("resultCode").asInt()).isEqualTo(9007);

        var settings = tenant.nhn().send("GET", tenant.path("mail.json"), null);
        JsonNode external = LocalStack.JSON.readTree(settings.body()).path("result").path("content").path("external");
        assertThat(external.findValuesAsString("mail")).containsExactly(first, second);
        assertThat(external.findValuesAsString("password")).containsOnly("********");
        assertThat(settings.body()).doesNotContain(PASSWORD);

        var event = TopicTraffic.records(stack, Topic.MAILBOX_EVENTS, tenant.serviceId() + ":1", 1).getFirst();
        assertThat(new String(event.value(), StandardCharsets.UTF_8)).contains(first).doesNotContain(PASSWORD);
    }

    @Test
    void aMailboxThatDoesNotLogInIsNotStored(LocalStack stack) {
        var tenant = TestTenants.create(stack, "extbad");
        var refused = tenant.nhn().send("POST", tenant.path("mail/external.json"),
                body("127.0.0.1", stack.infrastructure().imapPort(), false, mailbox(stack), "wrong-password"));
        assertEnvelopeError(refused, 400, "authentication failed");
        assertEnvelopeError(tenant.nhn().send("POST", tenant.path("mail/external.json"),
                body("127.0.0.1", stack.infrastructure().imapPort(), false, mailbox(stack), PASSWORD).replace("\"octest1\"", "\"\"")),
                400, "name");
        var settings = tenant.nhn().send("GET", tenant.path("mail.json"), null);
        assertThat(LocalStack.JSON.readTree(settings.body()).path("result").path("content").path("external").size()).isZero();
    }

    @Test
    void disablesEnablesAndDeletesOnlyWhenDisabled(LocalStack stack) {
        var tenant = TestTenants.create(stack, "life");
        var stranger = TestTenants.create(stack, "stranger");
        String mail = mailbox(stack);
        String register = body("127.0.0.1", stack.infrastructure().imapPort(), false, mail, PASSWORD);
        assertThat(tenant.nhn().send("POST", tenant.path("mail/external.json"), register).statusCode()).isEqualTo(200);

        assertEnvelopeError(tenant.nhn().send("DELETE", tenant.path("mail/external/1.json"), null), 400, "disable it before");
        assertEnvelopeError(stranger.nhn().send("PUT", stranger.path("mail/external/1/disable.json"), null), 404,
                "No external account 1");
        assertEnvelopeError(tenant.nhn().send("PUT", tenant.path("mail/external/abc/disable.json"), null), 400, "");

        var disabled = tenant.nhn().send("PUT", tenant.path("mail/external/1/disable.json"), null);
        assertThat(LocalStack.JSON.readTree(disabled.body()).path("result").path("content").path("active").asBoolean()).isFalse();
        assertThat(tenant.nhn().send("PUT", tenant.path("mail/external/1/disable.json"), null).statusCode()).isEqualTo(200);
        var enabled = tenant.nhn().send("PUT", tenant.path("mail/external/1/enable.json"), null);
        assertThat(LocalStack.JSON.readTree(enabled.body()).path("result").path("content").path("active").asBoolean()).isTrue();
        tenant.nhn().send("PUT", tenant.path("mail/external/1/disable.json"), null);

        var deleted = tenant.nhn().send("DELETE", tenant.path("mail/external/1.json"), null);
        assertThat(LocalStack.JSON.readTree(deleted.body()).path("result").path("content").asString()).isEqualTo("SUCCESS");
        assertEnvelopeError(tenant.nhn().send("DELETE", tenant.path("mail/external/1.json"), null), 404, "No external account 1");
        var settings = tenant.nhn().send("GET", tenant.path("mail.json"), null);
        assertThat(LocalStack.JSON.readTree(settings.body()).path("result").path("content").path("external").size()).isZero();

        var types = TopicTraffic.records(stack, Topic.MAILBOX_EVENTS, tenant.serviceId() + ":1", 5).stream()
                .map(record -> new String(record.headers().lastHeader("sb-event-type").value(), StandardCharsets.UTF_8))
                .map(type -> type.substring(type.lastIndexOf('.') + 1))
                .toList();
        assertThat(types).containsExactly("ExternalAccountRegistered", "ExternalAccountDisabled", "ExternalAccountEnabled",
                "ExternalAccountDisabled", "ExternalAccountDeleted");

        // the address is free again once its mailbox is deleted; ids are never reused
        var again = tenant.nhn().send("POST", tenant.path("mail/external.json"), register);
        assertThat(LocalStack.JSON.readTree(again.body()).path("result").path("content").path("id").asInt()).isEqualTo(2);
    }

    @Test
    void editsAfterLoggingInAgainAndKeepsTheStoredPasswordWhenOmittedOrMasked(LocalStack stack) {
        var tenant = TestTenants.create(stack, "edit");
        int imap = stack.infrastructure().imapPort();
        String mail = mailbox(stack);
        tenant.nhn().send("POST", tenant.path("mail/external.json"), body("127.0.0.1", imap, false, mail, PASSWORD));

        var renamed = tenant.nhn().send("PUT", tenant.path("mail/external/1.json"),
                body("127.0.0.1", imap, false, mail, null).replace("\"octest1\"", "\"renamed\""));
        assertThat(renamed.statusCode()).as(renamed.body()).isEqualTo(200);
        assertThat(LocalStack.JSON.readTree(renamed.body()).path("result").path("content").path("name").asString()).isEqualTo("renamed");
        var masked = tenant.nhn().send("PUT", tenant.path("mail/external/1.json"),
                body("127.0.0.1", imap, false, mail, "********").replace("\"octest1\"", "\"masked\""));
        assertThat(masked.statusCode()).as(masked.body()).isEqualTo(200);

        var wrong = tenant.nhn().send("PUT", tenant.path("mail/external/1.json"),
                body("127.0.0.1", imap, false, mail, "wrong-password").replace("\"octest1\"", "\"wrong\""));
        assertEnvelopeError(wrong, 400, "authentication failed");
        var settings = tenant.nhn().send("GET", tenant.path("mail.json"), null);
        assertThat(LocalStack.JSON.readTree(settings.body()).path("result").path("content").path("external")
                .findValuesAsString("name")).containsExactly("masked");
        // the stored password still works: the failed edit changed nothing
        assertThat(tenant.nhn().send("PUT", tenant.path("mail/external/1.json"),
                body("127.0.0.1", imap, false, mail, null)).statusCode()).isEqualTo(200);

        assertEnvelopeError(tenant.nhn().send("PUT", tenant.path("mail/external/9.json"),
                body("127.0.0.1", imap, false, mail, null)), 404, "No external account 9");
    }

    @Test
    void anotherTenantNeverSeesTheMailboxes(LocalStack stack) {
        var owner = TestTenants.create(stack, "owner");
        var other = TestTenants.create(stack, "other");
        String mail = mailbox(stack);
        assertThat(owner.nhn().send("POST", owner.path("mail/external.json"),
                body("127.0.0.1", stack.infrastructure().imapPort(), false, mail, PASSWORD)).statusCode()).isEqualTo(200);

        var seen = other.nhn().send("GET", other.path("mail.json"), null);
        assertThat(seen.body()).doesNotContain(mail);
    }
}
