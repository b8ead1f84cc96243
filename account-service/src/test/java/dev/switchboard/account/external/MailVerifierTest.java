package dev.switchboard.account.external;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.switchboard.account.config.AccountProperties;
import dev.switchboard.platform.net.ConnectionDeadline;
import dev.switchboard.platform.net.MailHostGuard;
import reactor.core.scheduler.Schedulers;

/** Login settings, the overall deadline and STARTTLS, against servers on 127.0.0.1 only. */
class MailVerifierTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private static MailVerifier verifier(List<String> allowed, Duration readTimeout, Duration deadline) {
        var properties = new AccountProperties("t", "k", "e", "oc.example", allowed,
                Duration.ofSeconds(2), readTimeout, deadline);
        return new MailVerifier(new MailHostGuard(properties.mailHostsAllowed()), properties);
    }

    private static Properties settings(MailVerifier.Protocol kind, boolean ssl, String address) throws Exception {
        try (var deadline = new ConnectionDeadline(Duration.ofMinutes(1), Schedulers.parallel())) {
            return verifier(List.of("127.0.0.1/32"), Duration.ofSeconds(10), Duration.ofSeconds(20))
                    .settings(kind, ssl, InetAddress.getByName(address), deadline);
        }
    }

    @Test
    void plainLoginsToAPublicHostRequireStartTls() throws Exception {
        var imap = settings(MailVerifier.Protocol.IMAP, false, "93.184.216.34");
        assertThat(imap).containsEntry("mail.imap.starttls.enable", "true")
                .containsEntry("mail.imap.starttls.required", "true");
        var smtp = settings(MailVerifier.Protocol.SMTP, false, "93.184.216.34");
        assertThat(smtp).containsEntry("mail.smtp.starttls.enable", "true")
                .containsEntry("mail.smtp.starttls.required", "true")
                .containsEntry("mail.smtp.auth", "true");
    }

    @Test
    void anAllowedLoopbackServerMayGoWithoutStartTlsButUsesItWhenOffered() throws Exception {
        var imap = settings(MailVerifier.Protocol.IMAP, false, "127.0.0.1");
        assertThat(imap).containsEntry("mail.imap.starttls.enable", "true")
                .containsEntry("mail.imap.starttls.required", "false");
        var smtp = settings(MailVerifier.Protocol.SMTP, false, "127.0.0.1");
        assertThat(smtp).containsEntry("mail.smtp.starttls.enable", "true")
                .containsEntry("mail.smtp.starttls.required", "false");
    }

    @Test
    void implicitTlsNeedsNoStartTlsAndChecksTheServerIdentity() throws Exception {
        var imaps = settings(MailVerifier.Protocol.IMAP, true, "93.184.216.34");
        assertThat(imaps).containsEntry("mail.imaps.ssl.checkserveridentity", "true")
                .doesNotContainKey("mail.imaps.starttls.required");
        assertThat(imaps.get("mail.imaps.ssl.socketFactory")).isNotNull();
    }

    @Test
    void aServerThatNeverAnswersIsCutOffAtTheLoginDeadline() throws Exception {
        var verifier = verifier(List.of("127.0.0.1/32"), Duration.ofMinutes(1), Duration.ofMillis(500));
        // the kernel accepts the connection into the backlog; nothing ever answers it
        try (ServerSocket silent = new ServerSocket(0, 10, LOOPBACK)) {
            var outcome = assertTimeoutPreemptively(Duration.ofSeconds(15),
                    () -> verifier.imap("127.0.0.1", silent.getLocalPort(), false, "user", "secret"));
            assertThat(outcome.failure()).startsWith("timeout:").contains("did not complete the login");
        }
    }

    @Test
    void aServerTricklingOneByteAtATimeIsCutOffAtTheLoginDeadline() throws Exception {
        // each byte comes well within the read timeout, so only the overall deadline ends the login
        var verifier = verifier(List.of("127.0.0.1/32"), Duration.ofSeconds(5), Duration.ofSeconds(1));
        var writer = Executors.newSingleThreadScheduledExecutor();
        try (ServerSocket server = new ServerSocket(0, 10, LOOPBACK)) {
            CompletableFuture<Socket> accepted = CompletableFuture.supplyAsync(() -> {
                try {
                    return server.accept();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            accepted.thenAccept(client -> writer.scheduleWithFixedDelay(() -> {
                try {
                    client.getOutputStream().write('2');
                    client.getOutputStream().flush();
                } catch (IOException closed) {
                    throw new UncheckedIOException(closed);
                }
            }, 0, 100, TimeUnit.MILLISECONDS));
            var outcome = assertTimeoutPreemptively(Duration.ofSeconds(15),
                    () -> verifier.smtp("127.0.0.1", server.getLocalPort(), false, "user", "secret"));
            assertThat(outcome.failure()).startsWith("timeout:").contains("did not complete the login");
            accepted.join().close();
        } finally {
            writer.shutdownNow();
        }
    }

    @Test
    void whenTheServerOffersStartTlsTheLoginWaitsForTlsAndFailsWithoutIt() throws Exception {
        var verifier = verifier(List.of("127.0.0.1/32"), Duration.ofSeconds(5), Duration.ofSeconds(10));
        List<String> received = new CopyOnWriteArrayList<>();
        try (ServerSocket server = new ServerSocket(0, 10, LOOPBACK)) {
            // a server that offers STARTTLS, agrees to it, then hangs up its side instead of speaking TLS;
            // it keeps listening, so a client falling back to a login in clear would be heard
            CompletableFuture<Void> session = CompletableFuture.runAsync(() -> {
                try (Socket client = server.accept()) {
                    client.setSoTimeout(10_000);
                    OutputStream out = client.getOutputStream();
                    var in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.ISO_8859_1));
                    out.write("* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN] ready\r\n".getBytes(StandardCharsets.US_ASCII));
                    for (String line; (line = in.readLine()) != null; ) {
                        received.add(line);
                        String[] command = line.split(" ", 3);
                        if (command.length < 2) {
                            continue;
                        }
                        switch (command[1].toUpperCase()) {
                            case "CAPABILITY" -> out.write(("* CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN\r\n" + command[0]
                                    + " OK done\r\n").getBytes(StandardCharsets.US_ASCII));
                            case "STARTTLS" -> {
                                out.write((command[0] + " OK begin TLS\r\n").getBytes(StandardCharsets.US_ASCII));
                                client.shutdownOutput();
                                continue;
                            }
                            default -> out.write((command[0] + " OK done\r\n").getBytes(StandardCharsets.US_ASCII));
                        }
                        out.flush();
                    }
                } catch (IOException clientGone) {
                    // the client hung up after the failed handshake
                }
            });
            var outcome = verifier.imap("127.0.0.1", server.getLocalPort(), false, "user", "secret");
            session.get(15, TimeUnit.SECONDS);
            assertThat(outcome.ok()).isFalse();
            assertThat(received).anyMatch(line -> line.toUpperCase().contains("STARTTLS"));
            assertThat(received).noneMatch(line -> line.contains("secret") || line.toUpperCase().contains(" LOGIN ")
                    || line.toUpperCase().contains("AUTHENTICATE"));
        }
    }
}
