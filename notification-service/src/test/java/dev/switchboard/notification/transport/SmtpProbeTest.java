package dev.switchboard.notification.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import javax.net.ssl.X509ExtendedTrustManager;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;

import dev.switchboard.notification.config.NotificationProperties;
import dev.switchboard.notification.transport.EmailSettingsBodies.TestReport;
import dev.switchboard.notification.transport.TlsSmtpServer.Mode;
import dev.switchboard.platform.net.MailHostGuard;

/** Test mails against GreenMail and a TLS server with a certificate made here, all on 127.0.0.1. */
class SmtpProbeTest {

    private static final String USER = "sender@example.com";
    private static final String PASSWORD = "itte574dsts485";
    private static final String TO = "kim.lee@example.com";

    @TempDir
    static Path certificates;
    /** Names 127.0.0.1, but no authority the JVM knows issued it. */
    private static TestCertificates selfSigned;
    /** Issued for another host. */
    private static TestCertificates otherHost;

    private GreenMail greenMail;

    @BeforeAll
    static void makeCertificates() {
        selfSigned = TestCertificates.selfSigned(certificates, "ip:127.0.0.1");
        otherHost = TestCertificates.selfSigned(certificates, "dns:other.example");
    }

    @BeforeEach
    void startGreenMail() {
        greenMail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        greenMail.setUser(USER, USER, PASSWORD);
        greenMail.start();
    }

    @AfterEach
    void stopGreenMail() {
        greenMail.stop();
    }

    private static NotificationProperties.Transports properties(Duration readTimeout, Duration deadline) {
        return new NotificationProperties.Transports("unused", List.of("127.0.0.1/32"), Duration.ofSeconds(2),
                readTimeout, deadline, Duration.ofSeconds(10));
    }

    private static SmtpProbe probe(List<String> allowed, X509ExtendedTrustManager trusted) {
        return new SmtpProbe(new MailHostGuard(allowed), properties(Duration.ofSeconds(5), Duration.ofSeconds(20)),
                trusted);
    }

    private static SmtpProbe probe() {
        return probe(List.of("127.0.0.1/32"), RecordingTrust.jvmDefault());
    }

    private static SmtpTransportSettings settings(int port, boolean secure, boolean rejectUnauthorized, String password) {
        return new SmtpTransportSettings("svc", USER, "127.0.0.1", port, secure, false, rejectUnauthorized, USER,
                password, 1);
    }

    @Test
    void greenMailWithTheRightPasswordAcceptsTheTestMail() throws Exception {
        TestReport report = probe().probe(settings(greenMail.getSmtp().getPort(), false, true, PASSWORD), TO);

        assertThat(report.status()).isEqualTo("OK");
        assertThat(report.failed()).isNull();
        assertThat(report.connected().address()).isEqualTo("127.0.0.1");
        assertThat(report.connected().greeting()).startsWith("220");
        // GreenMail offers no STARTTLS; the allowed loopback server may take the login in clear
        assertThat(report.tls().mode()).isEqualTo("none");
        assertThat(report.authenticated().user()).isEqualTo(USER);
        assertThat(report.authenticated().reply()).startsWith("235");
        assertThat(report.accepted().reply()).startsWith("250");
        assertThat(greenMail.waitForIncomingEmail(5000, 1)).isTrue();
        var received = greenMail.getReceivedMessages()[0];
        assertThat(received.getSubject()).isEqualTo(SmtpProbe.SUBJECT);
        assertThat(received.getHeader("Auto-Submitted")).containsExactly("auto-generated");
    }

    @Test
    void aWrongPasswordFailsAtAuthenticateWithTheServersReply() {
        TestReport report = probe().probe(settings(greenMail.getSmtp().getPort(), false, true, "wrong"), TO);

        assertThat(report.status()).isEqualTo("error");
        assertThat(report.connected()).isNotNull();
        assertThat(report.tls().mode()).isEqualTo("none");
        assertThat(report.failed().step()).isEqualTo("authenticate");
        assertThat(report.failed().code()).isEqualTo(535);
        assertThat(report.failed().reply()).startsWith("535");
        assertThat(report.accepted()).isNull();
        assertThat(greenMail.getReceivedMessages()).isEmpty();
    }

    @Test
    void aHostTheGuardRefusesIsNeverConnectedTo() {
        TestReport report = probe(List.of(), RecordingTrust.jvmDefault())
                .probe(settings(greenMail.getSmtp().getPort(), false, true, PASSWORD), TO);

        assertThat(report.failed().step()).isEqualTo("connect");
        assertThat(report.failed().reason()).contains("host refused").contains("private or reserved");
        assertThat(report.connected()).isNull();
    }

    @Test
    void aPortNobodyListensOnFailsAtConnect() throws Exception {
        int closed;
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        TestReport report = probe().probe(settings(closed, false, true, PASSWORD), TO);

        assertThat(report.failed().step()).isEqualTo("connect");
        assertThat(report.failed().reason()).contains("nothing accepts connections at 127.0.0.1:" + closed);
    }

    @Test
    void aServerThatNeverAnswersIsCutOffAtTheDeadline() throws Exception {
        var probe = new SmtpProbe(new MailHostGuard(List.of("127.0.0.1/32")),
                properties(Duration.ofMinutes(1), Duration.ofMillis(700)), RecordingTrust.jvmDefault());
        // the kernel accepts the connection into the backlog; nothing ever answers it
        try (var silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            TestReport report = assertTimeoutPreemptively(Duration.ofSeconds(15),
                    () -> probe.probe(settings(silent.getLocalPort(), false, true, PASSWORD), TO));

            assertThat(report.failed().step()).isEqualTo("connect");
            assertThat(report.failed().reason()).startsWith("timeout");
        }
    }

    @Test
    void implicitTlsWithASelfSignedCertificateIsRefusedWhenRejectUnauthorized() throws Exception {
        try (var server = new TlsSmtpServer(Mode.IMPLICIT, selfSigned.serverContext(), USER, PASSWORD)) {
            TestReport report = probe().probe(settings(server.port(), true, true, PASSWORD), TO);

            assertThat(report.status()).isEqualTo("error");
            assertThat(report.failed().step()).isEqualTo("tls");
            assertThat(report.failed().reason()).contains("not issued by a trusted certificate authority");
            assertThat(report.tls().certificateValid()).isFalse();
            assertThat(server.accepted()).isZero();
        }
    }

    @Test
    void implicitTlsWithASelfSignedCertificateGoesOnWithoutRejectUnauthorizedButSaysItIsNotValid() throws Exception {
        try (var server = new TlsSmtpServer(Mode.IMPLICIT, selfSigned.serverContext(), USER, PASSWORD)) {
            TestReport report = probe().probe(settings(server.port(), true, false, PASSWORD), TO);

            assertThat(report.status()).isEqualTo("OK");
            assertThat(report.tls().mode()).isEqualTo("implicit");
            assertThat(report.tls().protocol()).startsWith("TLSv1.");
            assertThat(report.tls().cipher()).isNotBlank();
            assertThat(report.tls().certificateValid()).isFalse();
            assertThat(report.tls().certificateProblem()).contains("not issued by a trusted certificate authority");
            assertThat(report.authenticated()).isNotNull();
            assertThat(report.accepted().reply()).isEqualTo("250 2.0.0 Ok: queued as TEST1");
            assertThat(server.accepted()).isEqualTo(1);
        }
    }

    @Test
    void aTrustedCertificateForTheHostIsValid() throws Exception {
        try (var server = new TlsSmtpServer(Mode.IMPLICIT, selfSigned.serverContext(), USER, PASSWORD)) {
            TestReport report = probe(List.of("127.0.0.1/32"), selfSigned.trustingIt())
                    .probe(settings(server.port(), true, true, PASSWORD), TO);

            assertThat(report.status()).isEqualTo("OK");
            assertThat(report.tls().certificateValid()).isTrue();
            assertThat(report.tls().certificateProblem()).isNull();
        }
    }

    @Test
    void aTrustedCertificateForAnotherHostIsRefused() throws Exception {
        try (var server = new TlsSmtpServer(Mode.IMPLICIT, otherHost.serverContext(), USER, PASSWORD)) {
            TestReport report = probe(List.of("127.0.0.1/32"), otherHost.trustingIt())
                    .probe(settings(server.port(), true, true, PASSWORD), TO);

            assertThat(report.failed().step()).isEqualTo("tls");
            assertThat(report.failed().reason()).contains("not for this host");
            assertThat(server.accepted()).isZero();
        }
    }

    @Test
    void startTlsIsUsedWhenOfferedAndReported() throws Exception {
        try (var server = new TlsSmtpServer(Mode.STARTTLS, selfSigned.serverContext(), USER, PASSWORD)) {
            TestReport report = probe().probe(settings(server.port(), false, false, PASSWORD), TO);

            assertThat(report.status()).isEqualTo("OK");
            assertThat(report.connected().greeting()).isEqualTo("220 tls.test ESMTP ready");
            assertThat(report.tls().mode()).isEqualTo("starttls");
            assertThat(report.tls().certificateValid()).isFalse();
            assertThat(server.accepted()).isEqualTo(1);
        }
    }

    @Test
    void startTlsWithAnUntrustedCertificateFailsAtTlsWhenRejectUnauthorized() throws Exception {
        try (var server = new TlsSmtpServer(Mode.STARTTLS, selfSigned.serverContext(), USER, PASSWORD)) {
            TestReport report = probe().probe(settings(server.port(), false, true, PASSWORD), TO);

            assertThat(report.connected()).isNotNull();
            assertThat(report.failed().step()).isEqualTo("tls");
            assertThat(report.failed().reason()).contains("certificate was refused");
        }
    }

    @Test
    void passwordsGoInClearOnlyToAnAllowedLoopbackServer() throws Exception {
        try (var server = new TlsSmtpServer(Mode.PLAIN, selfSigned.serverContext(), USER, PASSWORD)) {
            TestReport report = probe().probe(settings(server.port(), false, true, PASSWORD), TO);

            assertThat(report.status()).isEqualTo("OK");
            assertThat(report.tls().mode()).isEqualTo("none");
        }
        // any other server must offer STARTTLS before the login, or the client stops (Angus fails, it does not fall back)
        var config = probe().sessionProperties(settings(25, false, true, PASSWORD), "smtp",
                InetAddress.getByName("93.184.216.34"), null, null);
        assertThat(config).containsEntry("mail.smtp.starttls.enable", "true")
                .containsEntry("mail.smtp.starttls.required", "true")
                .containsEntry("mail.smtp.auth", "true");
        var loopback = probe().sessionProperties(settings(25, false, true, PASSWORD), "smtp",
                InetAddress.getByName("127.0.0.1"), null, null);
        assertThat(loopback).containsEntry("mail.smtp.starttls.required", "false");
    }

    @Test
    void aServerRepeatingThePasswordInItsReplyDoesNotGetItIntoTheReport() throws Exception {
        try (var server = new TlsSmtpServer(Mode.IMPLICIT, selfSigned.serverContext(), USER, "other")) {
            TestReport report = probe().probe(settings(server.port(), true, false, PASSWORD), TO);

            assertThat(report.failed().step()).isEqualTo("authenticate");
            assertThat(report.failed().code()).isEqualTo(535);
            assertThat(report.tls().mode()).isEqualTo("implicit");
            assertThat(report.tls().protocol()).startsWith("TLSv1.");
            assertThat(report.toString()).doesNotContain(PASSWORD);
            assertThat(report.failed().reply()).contains(EmailSettingsBodies.MASK);
        }
    }
}
