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
    void aMessageThatCannotBeReadIsSetAsideAndTheNextOneStillBecomesATicket(LocalStack stack) throws Exception {
        var tenant = TestTenants.create(stack, "aside");
        String mailbox = watchedMailbox(stack, tenant, false);
        var user = stack.infrastructure().mail().getUserManager().getUser(mailbox);
        // no sender at all: nobody to make a ticket for or to answer
        var nobody = new MimeMessage(smtp(stack));
        nobody.setRecipient(Message.RecipientType.TO, new InternetAddress(mailbox));
        nobody.setSubject("Who sent this?");
        nobody.setText("Anonymous.");
        nobody.saveChanges();
        nobody.removeHeader("From");
        user.deliver(nobody);
        String marker = "After the odd one " + UUID.randomUUID();
        send(stack, "next@customers.example", mailbox, marker, "Fine.", Map.of());

        awaitTicket(tenant, marker);
        JsonNode aside = await().atMost(TICKET_TIMEOUT).until(() -> LocalStack.JSON.readTree(tenant.nhn()
                .send("GET", tenant.path("mail/inbound/setaside.json"), null).body()), json -> json.path("result")
                .path("contents").findValuesAsString("status").contains("SET_ASIDE"));
        assertThat(aside.path("header").path("isSuccessful").asBoolean()).isTrue();
        // the tenant sees why
        assertThat(aside.path("result").path("contents").get(0).path("reason").asString()).isNotBlank();
        assertThat(list(tenant).path("total").asLong()).isEqualTo(1);
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

    @Test
    void withMailDelTheSourceMessageGoesOnlyOnceItsTicketExistsWithoutItStays(LocalStack stack) throws Exception {
        var tenant = TestTenants.create(stack, "maildel");
        String deleting = watchedMailbox(stack, tenant, true);
        String keeping = watchedMailbox(stack, tenant, false);

        send(stack, "a@customers.example", deleting, "Delete me " + UUID.randomUUID(), "Gone after.", Map.of());
        send(stack, "b@customers.example", keeping, "Keep me " + UUID.randomUUID(), "Stays.", Map.of());
        awaitTicket(tenant, "Delete me");
        awaitTicket(tenant, "Keep me");

        await().atMost(TICKET_TIMEOUT).until(() -> inboxSize(stack, deleting) == 0);
        assertThat(inboxSize(stack, keeping)).isEqualTo(1);
        // still one ticket each: a kept message is never imported twice
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> list(tenant).path("total").asLong() == 2);
    }

    @Test
    void aMailboxThatStopsLoggingInFailsBacksOffIsDisabledAndTheAdministratorsAreToldOnce(LocalStack stack)
            throws Exception {
        var tenant = TestTenants.create(stack, "failing");
        String admin = "admin-" + UUID.randomUUID() + "@failing-admins.example";
        var credentials = LocalStack.JSON.readTree(stack.operator("POST", "/operator/v1/tenants/" + tenant.serviceId()
                + "/webitel-credentials", null).body()).path("result").path("content");
        String key = credentials.path("webitelKey").asString();
        String token = credentials.path("webitelAccessToken").asString();
        await().atMost(Duration.ofSeconds(30)).until(() -> webitel(stack, "PUT", key, token,
                "{\"administrators\": {\"enabled\": true, \"recipients\": [\"" + admin + "\"]}}") == 200);
        String mailbox = watchedMailbox(stack, tenant, false);
        int id = accountId(tenant, mailbox);
        assertThat(superOfficeHealth(stack, tenant, id).path("AccountStatus").asInt()).as("Ok").isEqualTo(4);

        // the mailbox's password is changed on the server, and the fetcher has to log in again (a restart; a
        // session logged in before keeps working, as on any IMAP server): every login now fails
        stack.infrastructure().mail().getUserManager().getUser(mailbox).setPassword("changed-" + UUID.randomUUID());
        stack.kill("account-service");
        stack.restart("account-service");

        JsonNode failing = await().atMost(TICKET_TIMEOUT).until(() -> superOfficeHealth(stack, tenant, id),
                health -> health.path("AccountStatus").asInt() == 2);
        assertThat(failing.path("ErrorCount").asInt()).isPositive();
        assertThat(failing.path("ErrorReason").asString()).contains("AUTHENTICATION_FAILED");
        JsonNode failed = await().atMost(TICKET_TIMEOUT).until(() -> superOfficeHealth(stack, tenant, id),
                health -> health.path("AccountStatus").asInt() == 3);
        assertThat(failed.path("ErrorCount").asInt()).isGreaterThanOrEqualTo(5);
        JsonNode external = externalAccount(tenant, mailbox);
        assertThat(external.path("active").asBoolean()).isFalse();
        assertThat(external.path("accountStatus").asInt()).isEqualTo(3);

        await().atMost(TicketToMailIT.MAIL_TIMEOUT).until(() -> TicketToMailIT.mailsPerRecipient(stack,
                admin::equals).getOrDefault(admin, 0) == 1);
        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(15)).until(() -> TicketToMailIT
                .mailsPerRecipient(stack, admin::equals).get(admin) == 1);
    }

    @Test
    void mailToTheRepresentativeAccountBecomesATicket(LocalStack stack) throws Exception {
        var tenant = TestTenants.create(stack, "rep");
        String local = "help" + UUID.randomUUID().toString().substring(0, 8);
        var created = tenant.nhn().send("POST", tenant.path("mail/create.json?mail=" + local), null);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        String address = LocalStack.JSON.readTree(created.body()).path("result").path("content").path("mail").asString();
        assertThat(address).startsWith(local + "@");

        // the platform mailbox is watched from the moment its first fetch sees it; keep sending until one lands
        String subject = "Via the representative " + UUID.randomUUID();
        JsonNode ticket = await().atMost(TICKET_TIMEOUT).pollInterval(Duration.ofSeconds(5)).until(() -> {
            send(stack, "rep@customers.example", address, subject, "Hello there.", Map.of());
            return findTicket(tenant, subject);
        }, found -> found != null);
        assertThat(ticket.path("ticketId").asString()).startsWith("T");
    }

    /**
     * Two account-service instances share the mailboxes (rendezvous hashing over leases); one killed mid-stream
     * loses no mailbox and no message, and no message becomes two tickets.
     */
    @Test
    void twoFetcherInstancesShareTheMailboxesAndOneDyingLosesNothingAndDoublesNothing(LocalStack stack)
            throws Exception {
        var tenant = TestTenants.create(stack, "pair");
        stack.startReplica("account-service", "account-service-2");
        List<String> mailboxes = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            mailboxes.add(watchedMailbox(stack, tenant, false));
        }
        String batch = UUID.randomUUID().toString().substring(0, 8);
        int sent = 0;
        for (int round = 0; round < 10; round++) {
            for (String mailbox : mailboxes) {
                stack.infrastructure().mail().getUserManager().getUser(mailbox)
                        .deliver(message(stack, sent++, batch, mailbox));
            }
            if (round == 4) {
                stack.kill("account-service-2");
            }
        }
        int expected = sent;
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
                .until(() -> list(tenant).path("total").asLong() >= expected);
        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(20))
                .until(() -> list(tenant).path("total").asLong() == expected);
    }

    /**
     * A mailbox already holding a thousand messages, registered asking to import them; the fetcher killed in the
     * middle and restarted: a thousand tickets, none twice. Prints the rate at which one fetcher turned the held
     * messages into tickets before the kill.
     */
    @Test
    void aMailboxHoldingAThousandMessagesBecomesAThousandTicketsAcrossACrashOfTheFetcher(LocalStack stack)
            throws Exception {
        var tenant = TestTenants.create(stack, "bulk");
        int messages = Integer.getInteger("switchboard.inbound.messages", 1000);
        String mailbox = ExternalAccountVerifyIT.mailbox(stack);
        var user = stack.infrastructure().mail().getUserManager().getUser(mailbox);
        String batch = UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < messages; i++) {
            user.deliver(message(stack, i, batch, mailbox));
        }
        String body = ExternalAccountVerifyIT.body("127.0.0.1", stack.infrastructure().imapPort(), false, mailbox,
                ExternalAccountVerifyIT.PASSWORD).replace("\"mailDel\":false", "\"mailDel\":false,\"importExisting\":true");
        long start = System.nanoTime();
        var registered = tenant.nhn().send("POST", tenant.path("mail/external.json"), body);
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);

        int measured = messages * 4 / 10;
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500))
                .until(() -> list(tenant).path("total").asLong() >= measured);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("inbound: the first %d of %d messages held by one mailbox became tickets in %.1f s: "
                + "%.1f messages/s (one fetcher, the whole stack on this machine)%n", measured, messages, seconds,
                measured / seconds);

        // killed mid-import, as a crash would: the restarted instance takes over once the lease ran out and goes
        // on from the last message recorded
        stack.kill("account-service");
        stack.restart("account-service");
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1))
                .until(() -> list(tenant).path("total").asLong() >= messages);
        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(20))
                .until(() -> list(tenant).path("total").asLong() == messages);
        List<String> subjects = new ArrayList<>();
        for (int page = 1; page <= (messages + 199) / 200; page++) {
            for (JsonNode ticket : LocalStack.JSON.readTree(tenant.nhn().send("GET",
                    tenant.path("ticket/list.json?pageSize=200&page=" + page), null).body()).path("result").path("contents")) {
                subjects.add(ticket.path("subject").asString());
            }
        }
        assertThat(subjects).hasSize(messages).doesNotHaveDuplicates();
    }

    private static MimeMessage message(LocalStack stack, int i, String batch, String mailbox) throws Exception {
        var message = new MimeMessage(smtp(stack));
        message.setFrom(new InternetAddress("bulk" + (i % 50) + "@customers.example"));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(mailbox));
        message.setSubject("Bulk " + batch + " #" + i, "UTF-8");
        message.setText("Message " + i, "UTF-8");
        message.saveChanges();
        return message;
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
        return await().atMost(TICKET_TIMEOUT).until(() -> findTicket(tenant, subjectPart), found -> found != null);
    }

    static JsonNode findTicket(TestTenant tenant, String subjectPart) {
        for (JsonNode ticket : list(tenant).path("contents")) {
            if (ticket.path("subject").asString().contains(subjectPart)) {
                return ticket;
            }
        }
        return null;
    }

    static int inboxSize(LocalStack stack, String mailbox) throws Exception {
        var mail = stack.infrastructure().mail();
        var user = mail.getUserManager().getUser(mailbox);
        return mail.getManagers().getImapHostManager().getInbox(user).getMessageCount();
    }

    static JsonNode externalAccount(TestTenant tenant, String mailbox) {
        JsonNode external = LocalStack.JSON.readTree(tenant.nhn().send("GET", tenant.path("mail.json"), null).body())
                .path("result").path("content").path("external");
        for (JsonNode account : external) {
            if (account.path("mail").asString().equals(mailbox)) {
                return account;
            }
        }
        throw new AssertionError("No external account " + mailbox);
    }

    static int accountId(TestTenant tenant, String mailbox) {
        return externalAccount(tenant, mailbox).path("id").asInt();
    }

    static JsonNode superOfficeHealth(LocalStack stack, TestTenant tenant, int id) {
        var read = SuperOfficeEMailAgentIT.post(stack, tenant.basicAuthorization(), "GetEMailAccount?eMailAccountId=" + id,
                null);
        assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
        return LocalStack.JSON.readTree(read.body());
    }

    static int webitel(LocalStack stack, String method, String key, String token, String body) {
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(stack.baseUrl()
                        + "/api/v2/email/notifications?domain=failing"))
                .timeout(Duration.ofSeconds(30)).header("X-Key", key).header("X-Access-Token", token)
                .header("Content-Type", "application/json")
                .method(method, java.net.http.HttpRequest.BodyPublishers.ofString(body));
        try {
            return java.net.http.HttpClient.newHttpClient().send(request.build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode();
        } catch (Exception e) {
            return 0;
        }
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
