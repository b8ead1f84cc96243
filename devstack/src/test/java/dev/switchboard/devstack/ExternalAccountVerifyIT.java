package dev.switchboard.devstack;

import static dev.switchboard.devstack.EdgeAuthenticationIT.assertEnvelopeError;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code external/verify.json} logs in to a real IMAP server (GreenMail) and says precisely why not. */
@ExtendWith(StackExtension.class)
class ExternalAccountVerifyIT {

    static final String VERIFY = "/demo/openapi/v1/mail/external/verify.json";
    static final String PASSWORD = "yourpassword-7f3e";

    static String body(String host, Object port, boolean ssl, String mail, String password) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", "octest1");
        body.put("active", true);
        body.put("host", host);
        body.put("port", port);
        body.put("ssl", ssl);
        body.put("mail", mail);
        body.put("password", password);
        body.put("mailDel", false);
        return LocalStack.JSON.writeValueAsString(body);
    }

    static String mailbox(LocalStack stack) {
        String mail = "octest" + System.nanoTime() + "@163.example";
        stack.infrastructure().mail().setUser(mail, mail, PASSWORD);
        return mail;
    }

    @Test
    void seedRequestAgainstARealImapServerSucceeds(LocalStack stack) {
        String mail = mailbox(stack);
        var response = stack.nhnClient().send("POST", VERIFY,
                body("127.0.0.1", stack.infrastructure().imapPort(), false, mail, PASSWORD));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(LocalStack.JSON.readTree(response.body()).path("result").path("content").asString()).isEqualTo("SUCCESS");
        assertThat(response.body()).doesNotContain(PASSWORD);
    }

    @Test
    void wrongPasswordIsAuthenticationFailed(LocalStack stack) {
        var response = stack.nhnClient().send("POST", VERIFY,
                body("127.0.0.1", stack.infrastructure().imapPort(), false, mailbox(stack), "wrong-" + PASSWORD));
        assertEnvelopeError(response, 400, "authentication failed");
        assertThat(response.body()).doesNotContain(PASSWORD);
    }

    @Test
    void closedPortIsHostUnreachable(LocalStack stack) throws Exception {
        int closed;
        try (var socket = new java.net.ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        assertEnvelopeError(stack.nhnClient().send("POST", VERIFY, body("127.0.0.1", closed, false, mailbox(stack), PASSWORD)),
                400, "host unreachable");
    }

    @Test
    void tlsAgainstAPlainPortIsATlsFailure(LocalStack stack) {
        var response = stack.nhnClient().send("POST", VERIFY,
                body("127.0.0.1", stack.infrastructure().imapPort(), true, mailbox(stack), PASSWORD));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(LocalStack.JSON.readTree(response.body()).path("header").path("resultMessage").asString())
                .containsAnyOf("TLS failure", "timeout");
    }

    @Test
    void privateAndMetadataAddressesAreRefusedWithoutConnecting(LocalStack stack) {
        for (String host : new String[] {"10.20.30.40", "169.254.169.254", "192.168.0.10"}) {
            assertEnvelopeError(stack.nhnClient().send("POST", VERIFY, body(host, 993, true, "a@example.com", PASSWORD)),
                    400, "host refused");
        }
    }

    @Test
    void badInputIsAPreciseEnvelopeError(LocalStack stack) {
        assertEnvelopeError(stack.nhnClient().send("POST", VERIFY, body("127.0.0.1", "abc", false, "a@example.com", PASSWORD)),
                400, "'port'");
        assertEnvelopeError(stack.nhnClient().send("POST", VERIFY, body("127.0.0.1", 70000, false, "a@example.com", PASSWORD)),
                400, "port");
        assertEnvelopeError(stack.nhnClient().send("POST", VERIFY, body("127.0.0.1", 143, false, "a@example.com", "")),
                400, "password");
        assertEnvelopeError(stack.nhnClient().send("POST", VERIFY, body("127.0.0.1", 143, false, "a@example.com", PASSWORD)
                .replace("{", "{\"unexpected\":1,")), 400, "unexpected");
    }
}
