package dev.switchboard.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.switchboard.devstack.TestTenants.TestTenant;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import tools.jackson.databind.JsonNode;

/**
 * Mail into a tenant's mailbox (GreenMail, over real SMTP) becomes tickets and replies through the whole stack:
 * the fetcher in account-service, the parts in attachment-service, the ticket in ticket-service.
 */
@ExtendWith(StackExtension.class)
class InboundMailIT {

    static final Duration TICKET_TIMEOUT = Duration.ofSeconds(60);

    @Test
    void aMailBecomesATicketAndItsAnswersReplyThreadBackByHeaderAndByToken(LocalStack stack) throws Exception {
        var tenant = TestTenants.create(stack, "inbound");
        String mailbox = watchedMailbox(stack, tenant, false);
        String customer = "kim-" + UUID.randomUUID() + "@customers.example";

        send(stack, customer, mailbox, "Printer broken " + UUID.randomUUID(), "It does not print.", Map.of());
        JsonNode ticket = awaitTicket(tenant, "Printer broken");
        String ticketId = ticket.path("ticketId").asString();

        // the acknowledgement reached the customer and asks for answers to the mailbox the mail came to
        MimeMessage ack = TicketToMailIT.awaitMails(stack, ticketId, 1).getFirst();
        assertThat(ack.getReplyTo()).extracting(Object::toString).anyMatch(address -> address.contains(mailbox));
        // answering it threads by In-Reply-To
        send(stack, customer, mailbox, "Re: thanks", "Still broken.",
                Map.of("In-Reply-To", "<" + ticketId + ".ack@switchboard.local>"));
        awaitReplies(tenant, ticketId, 1);
        // an answer without headers but with the ticket token in the subject
        send(stack, customer, mailbox, "Re: [" + ticketId + "] one more thing", "And it smokes.", Map.of());
        JsonNode detail = awaitReplies(tenant, ticketId, 2);
        assertThat(detail.path("contents").findValuesAsString("matchedBy")).contains("in-reply-to", "subject-token");

        // a token of another tenant's ticket is not followed: a ticket of this tenant's own
        var other = TestTenants.create(stack, "inboundother");
        String otherMailbox = watchedMailbox(stack, other, false);
        send(stack, customer, otherMailbox, "Re: [" + ticketId + "] forged", "Whose ticket?", Map.of());
        JsonNode forged = awaitTicket(other, "forged");
        assertThat(forged.path("ticketId").asString()).isNotEqualTo(ticketId);
        assertThat(replies(tenant, ticketId)).hasSize(2);
    }

    @Test
    void autoRepliesBouncesAndOurOwnMailMakeNoTicket(LocalStack stack) throws Exception {
        var tenant = TestTenants.create(stack, "noise");
        String mailbox = watchedMailbox(stack, tenant, false);
        send(stack, "away@customers.example", mailbox, "Out of office", "Back Monday.",
                Map.of("Auto-Submitted", "auto-replied"));
        send(stack, "list@customers.example", mailbox, "Newsletter", "News.", Map.of("Precedence", "bulk"));
        send(stack, "mailer-daemon@customers.example", mailbox, "Undeliverable", "Bounce.", Map.of());
        send(stack, "us@switchboard.example", mailbox, "[T1234567890123AbCdE] Our ack", "Ours.",
                Map.of("Message-ID", "<T1234567890123AbCdE.ack@switchboard.local>"));
        String marker = "Real question " + UUID.randomUUID();
        send(stack, "real@customers.example", mailbox, marker, "A person.", Map.of());

        awaitTicket(tenant, marker);
        assertThat(list(tenant).path("total").asLong()).as("only the person's mail").isEqualTo(1);
    }

    @Test
    void subjectsNamesAndBodiesInEastAsianCharsetsArriveIntact(LocalStack stack) throws Exception {
        var tenant = TestTenants.create(stack, "charset");
        String mailbox = watchedMailbox(stack, tenant, false);
        var samples = Map.of("EUC-KR", "프린터가 고장났어요", "ISO-2022-JP", "プリンターが壊れました",
                "Shift_JIS", "印刷できません", "GB18030", "打印机坏了", "GB2312", "无法打印", "Big5", "印表機壞了");
        for (var sample : samples.entrySet()) {
            String charset = sample.getKey();
            var message = new MimeMessage(smtp(stack));
            message.setFrom(new InternetAddress("c@customers.example", "김철수", charset));
            message.setRecipient(Message.RecipientType.TO, new InternetAddress(mailbox));
            message.setSubject(sample.getValue() + " " + charset, charset);
            message.setText(sample.getValue() + " (" + charset + ")", charset, "plain");
            message.setHeader("Content-Transfer-Encoding", charset.equals("ISO-2022-JP") ? "7bit" : "base64");
            transport(stack, message);
        }
        for (var sample : samples.entrySet()) {
            JsonNode ticket = awaitTicket(tenant, sample.getValue() + " " + sample.getKey());
            JsonNode detail = detail(tenant, ticket.path("ticketId").asString());
            assertThat(detail.path("content").asString()).contains(sample.getValue());
        }
    }

    /** Registers a GreenMail mailbox for the tenant and waits until the fetcher has looked at it once. */
    static String watchedMailbox(LocalStack stack, TestTenant tenant, boolean mailDel) {
        String mailbox = ExternalAccountVerifyIT.mailbox(stack);
        String body = ExternalAccountVerifyIT.body("127.0.0.1", stack.infrastructure().imapPort(), false, mailbox,
                ExternalAccountVerifyIT.PASSWORD).replace("\"mailDel\":false", "\"mailDel\":" + mailDel);
        var registered = tenant.nhn().send("POST", tenant.path("mail/external.json"), body);
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);
        // a new mailbox starts from the moment it is first watched: mail sent before that is not imported
        await().atMost(TICKET_TIMEOUT).until(() -> {
            JsonNode external = LocalStack.JSON.readTree(tenant.nhn().send("GET", tenant.path("mail.json"), null).body())
                    .path("result").path("content").path("external");
            for (JsonNode account : external) {
                // AccountStatus Ok 4 once a fetch succeeded
                if (account.path("mail").asString().equals(mailbox) && account.path("accountStatus").asInt() == 4
                        && account.path("lastFetchDt").asLong() > 0) {
                    return true;
                }
            }
            return false;
        });
        return mailbox;
    }

    static void send(LocalStack stack, String from, String to, String subject, String text, Map<String, String> headers)
            throws Exception {
        var message = new MimeMessage(smtp(stack)) {
            @Override
            protected void updateMessageID() throws jakarta.mail.MessagingException {
                if (getHeader("Message-ID") == null) {
                    super.updateMessageID();
                }
            }
        };
        message.setFrom(new InternetAddress(from));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
        message.setSubject(subject, "UTF-8");
        message.setText(text, "UTF-8");
        for (var header : headers.entrySet()) {
            message.setHeader(header.getKey(), header.getValue());
        }
        transport(stack, message);
    }

    static void transport(LocalStack stack, MimeMessage message) throws Exception {
        message.saveChanges();
        Transport.send(message);
    }

    /** A session sending to the local stack's GreenMail over SMTP, as any mail server would deliver. */
    static Session smtp(LocalStack stack) {
        var properties = new Properties();
        properties.put("mail.smtp.host", "127.0.0.1");
        properties.put("mail.smtp.port", String.valueOf(stack.infrastructure().mail().getSmtp().getPort()));
        return Session.getInstance(properties);
    }

    static JsonNode awaitTicket(TestTenant tenant, String subjectPart) {
        return await().atMost(TICKET_TIMEOUT).until(() -> {
            for (JsonNode ticket : list(tenant).path("contents")) {
                if (ticket.path("subject").asString().contains(subjectPart)) {
                    return ticket;
                }
            }
            return null;
        }, found -> found != null);
    }

    static JsonNode list(TestTenant tenant) {
        return LocalStack.JSON.readTree(tenant.nhn().send("GET", tenant.path("ticket/list.json?pageSize=200"), null)
                .body()).path("result");
    }

    static JsonNode detail(TestTenant tenant, String ticketId) {
        return LocalStack.JSON.readTree(tenant.nhn().send("GET", tenant.path("ticket/" + ticketId + ".json"), null)
                .body()).path("result").path("content");
    }

    static List<JsonNode> replies(TestTenant tenant, String ticketId) {
        List<JsonNode> inquiries = new ArrayList<>();
        for (JsonNode content : detail(tenant, ticketId).path("contents")) {
            if ("inquiry".equals(content.path("type").asString())) {
                inquiries.add(content);
            }
        }
        return inquiries;
    }

    static JsonNode awaitReplies(TestTenant tenant, String ticketId, int count) {
        await().atMost(TICKET_TIMEOUT).until(() -> replies(tenant, ticketId).size() >= count);
        return detail(tenant, ticketId);
    }
}
