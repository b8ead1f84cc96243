package dev.switchboard.notification.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.mail.MailAuthenticationException;
import org.springframework.mail.MailSendException;
import org.springframework.mail.javamail.MimeMessageHelper;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import dev.switchboard.notification.transport.SmtpTransportSettings;
import dev.switchboard.notification.transport.TenantSmtpSettings;
import dev.switchboard.notification.transport.TestCertificates;
import dev.switchboard.notification.transport.TlsSmtpServer;
import dev.switchboard.platform.net.MailHostGuard;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import reactor.core.publisher.Mono;

/** Which server a tenant's mail leaves through, against GreenMail on 127.0.0.1 with a login. */
class MailTransportsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private GreenMail tenantServer;
    private final TenantSmtpSettings settings = mock(TenantSmtpSettings.class);
    private MailTransports transports;

    @BeforeEach
    void start() {
        tenantServer = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        tenantServer.setUser("my@webitel.com", "my@webitel.com", "secret");
        tenantServer.start();
        when(settings.settingsFor(eq("none"))).thenReturn(Mono.empty());
    }

    @AfterEach
    void stop() {
        if (transports != null) {
            transports.destroy();
        }
        tenantServer.stop();
    }

    @Test
    void aTenantWithSettingsSendsThroughItsServerWithItsLogin() throws Exception {
        transports = transports(List.of("127.0.0.1/32"));
        tenant("acme", "secret", 1);

        var transport = transports.transportFor("acme").block(WAIT);
        assertThat(transport.name()).isEqualTo(MailTransport.TENANT);
        transport.pool().send(message(transport), () -> { });

        assertThat(tenantServer.getReceivedMessages()).hasSize(1);
        assertThat(transports.transportFor("none").block(WAIT).name()).isEqualTo(MailTransport.RELAY);
    }

    @Test
    void aWrongPasswordFailsTheLoginNotTheMail() throws Exception {
        transports = transports(List.of("127.0.0.1/32"));
        tenant("acme", "wrong", 1);

        var transport = transports.transportFor("acme").block(WAIT);
        assertThatThrownBy(() -> transport.pool().send(message(transport), () -> { }))
                .isInstanceOf(MailAuthenticationException.class);
        // a failed login is the tenant's settings: retried, not a permanent failure of the mail
        assertThat(DeliveryService.isPermanent(new MailAuthenticationException("535"))).isFalse();
    }

    @Test
    void aHostTheGuardRefusesIsNeverConnectedTo() throws Exception {
        // no allow-list: loopback is an internal address like any private one
        transports = transports(List.of());
        tenant("acme", "secret", 1);

        var transport = transports.transportFor("acme").block(WAIT);
        assertThatThrownBy(() -> transport.pool().send(message(transport), () -> { }))
                .isInstanceOf(MailSendException.class).hasMessageContaining("host guard");
        assertThat(tenantServer.getReceivedMessages()).isEmpty();
    }

    @Test
    void changedSettingsGetANewPoolAndTheOldOneIsClosed() throws Exception {
        transports = transports(List.of("127.0.0.1/32"));
        tenant("acme", "secret", 1);
        var first = transports.transportFor("acme").block(WAIT);
        first.pool().send(message(first), () -> { });
        assertThat(first.pool().idleConnections()).isEqualTo(1);

        tenant("acme", "secret", 2);
        var second = transports.transportFor("acme").block(WAIT);

        assertThat(second.pool()).isNotSameAs(first.pool());
        assertThat(first.pool().idleConnections()).isZero();
    }

    @Test
    void aCertificateThatIsNotTrustedStopsTheMailUnlessTheTenantSaidRejectUnauthorizedFalse(@TempDir Path certificates)
            throws Exception {
        transports = transports(List.of("127.0.0.1/32"));
        var selfSigned = TestCertificates.selfSigned(certificates, "ip:127.0.0.1");
        for (var mode : List.of(TlsSmtpServer.Mode.IMPLICIT, TlsSmtpServer.Mode.STARTTLS)) {
            try (var server = new TlsSmtpServer(mode, selfSigned.serverContext(), "my@webitel.com", "secret")) {
                boolean secure = mode == TlsSmtpServer.Mode.IMPLICIT;
                tls("checked", server.port(), secure, true);
                var checked = transports.transportFor("checked").block(WAIT);
                assertThatThrownBy(() -> checked.pool().send(message(checked), () -> { }))
                        .as(mode + " with the certificate checked").isInstanceOf(MailSendException.class);
                assertThat(server.accepted()).isZero();

                tls("trusting", server.port(), secure, false);
                var trusting = transports.transportFor("trusting").block(WAIT);
                trusting.pool().send(message(trusting), () -> { });
                assertThat(server.accepted()).as(mode + " with rejectUnauthorized false").isEqualTo(1);
            }
        }
    }

    private void tls(String serviceId, int port, boolean secure, boolean rejectUnauthorized) {
        when(settings.settingsFor(eq(serviceId))).thenReturn(Mono.just(new SmtpTransportSettings(serviceId,
                "my@webitel.com", "127.0.0.1", port, secure, false, rejectUnauthorized, "my@webitel.com", "secret",
                System.nanoTime())));
    }

    private void tenant(String serviceId, String password, long version) {
        when(settings.settingsFor(eq(serviceId))).thenReturn(Mono.just(new SmtpTransportSettings(serviceId,
                "my@webitel.com", "127.0.0.1", tenantServer.getSmtp().getPort(), false, false, true, "my@webitel.com",
                password, version)));
    }

    private MailTransports transports(List<String> allowed) {
        return new MailTransports(settings, new MailHostGuard(allowed), DeliveryServiceTest.properties(Duration.ofSeconds(10)));
    }

    private static MimeMessage message(MailTransport transport) throws MessagingException {
        var message = new MimeMessage(transport.pool().session());
        var helper = new MimeMessageHelper(message, "UTF-8");
        helper.setFrom("support@acme.example");
        helper.setTo("customer@example.com");
        helper.setSubject("s");
        helper.setText("t");
        return message;
    }
}
