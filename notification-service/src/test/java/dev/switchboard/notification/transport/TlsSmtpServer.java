package dev.switchboard.notification.transport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * An SMTP server on 127.0.0.1 speaking TLS from the first byte or after STARTTLS, with AUTH PLAIN against one
 * user, for what GreenMail does not do: STARTTLS, and a certificate made by the test. A refused login is
 * answered with a reply that repeats the password, as a careless server might.
 */
public final class TlsSmtpServer implements AutoCloseable {

    public enum Mode {
        /** TLS from the first byte (SMTPS). */
        IMPLICIT,
        /** Plain, offering STARTTLS. */
        STARTTLS,
        /** Plain, offering no STARTTLS. */
        PLAIN
    }

    private final ServerSocket server;
    private final SSLContext tls;
    private final Mode mode;
    private final String user;
    private final String password;
    private final List<Socket> connections = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();

    public TlsSmtpServer(Mode mode, SSLContext tls, String user, String password) throws IOException {
        this.mode = mode;
        this.tls = tls;
        this.user = user;
        this.password = password;
        this.server = mode == Mode.IMPLICIT
                ? tls.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress())
                : new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("tls-smtp").start(this::acceptAll);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Mails accepted with 250 after DATA. */
    public int accepted() {
        return accepted.get();
    }

    private void acceptAll() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                connections.add(socket);
                Thread.ofVirtual().start(() -> converse(socket));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void converse(Socket socket) {
        try {
            Socket current = socket;
            boolean secured = mode == Mode.IMPLICIT;
            var in = reader(current);
            var out = writer(current);
            reply(out, "220 tls.test ESMTP ready");
            String line;
            while ((line = in.readLine()) != null) {
                String command = line.length() < 4 ? line.toUpperCase() : line.substring(0, 4).toUpperCase();
                switch (command) {
                    case "EHLO" -> {
                        out.print("250-tls.test\r\n");
                        if (mode == Mode.STARTTLS && !secured) {
                            out.print("250-STARTTLS\r\n");
                        }
                        reply(out, "250 AUTH PLAIN");
                    }
                    case "STAR" -> {
                        reply(out, "220 2.0.0 go ahead");
                        SSLSocket upgraded = (SSLSocket) tls.getSocketFactory().createSocket(current, null,
                                current.getPort(), true);
                        upgraded.setUseClientMode(false);
                        upgraded.startHandshake();
                        current = upgraded;
                        secured = true;
                        in = reader(current);
                        out = writer(current);
                    }
                    case "AUTH" -> {
                        String[] parts = line.split(" ");
                        String response = parts.length > 2 ? parts[2] : null;
                        if (response == null) {
                            reply(out, "334 ");
                            response = in.readLine();
                        }
                        String[] credentials = new String(Base64.getDecoder().decode(response), StandardCharsets.UTF_8)
                                .split("\0", -1);
                        if (credentials.length == 3 && credentials[1].equals(user) && credentials[2].equals(password)) {
                            reply(out, "235 2.7.0 Authentication successful");
                        } else {
                            reply(out, "535 5.7.8 Authentication failed for " + credentials[1] + " with password "
                                    + (credentials.length == 3 ? credentials[2] : ""));
                        }
                    }
                    case "DATA" -> {
                        reply(out, "354 go ahead");
                        while ((line = in.readLine()) != null && !line.equals(".")) {
                            // the mail's content
                        }
                        accepted.incrementAndGet();
                        reply(out, "250 2.0.0 Ok: queued as TEST1");
                    }
                    case "QUIT" -> {
                        reply(out, "221 bye");
                        current.close();
                        return;
                    }
                    default -> reply(out, "250 2.1.0 Ok");
                }
            }
        } catch (IOException e) {
            // the client gave up (a refused certificate) or the test closed the server
        }
    }

    private static BufferedReader reader(Socket socket) throws IOException {
        return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
    }

    private static PrintWriter writer(Socket socket) throws IOException {
        return new PrintWriter(socket.getOutputStream(), false, StandardCharsets.US_ASCII);
    }

    private static void reply(PrintWriter out, String line) {
        out.print(line + "\r\n");
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : connections) {
            socket.close();
        }
    }
}
