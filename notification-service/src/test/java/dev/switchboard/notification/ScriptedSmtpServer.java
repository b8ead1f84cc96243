package dev.switchboard.notification;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An SMTP server on 127.0.0.1 that misbehaves on cue, for what GreenMail does not do: stay silent, defer a
 * recipient, or accept a mail and then never answer QUIT.
 */
public final class ScriptedSmtpServer implements AutoCloseable {

    public enum Script {
        /** Accepts the connection and never says a word. */
        SILENT,
        /** Answers RCPT with a temporary failure naming the recipient. */
        DEFER_RECIPIENT,
        /** Refuses every recipient for good: {@code 550 5.1.1}. */
        REJECT_RECIPIENT,
        /** Accepts the mail (250 after DATA), then leaves QUIT unanswered. */
        SILENT_AFTER_DATA,
        /** Takes one mail per connection; the next MAIL FROM on it is answered by closing the connection. */
        HANG_UP_AFTER_FIRST_MAIL
    }

    private final ServerSocket server;
    private final Script script;
    private final List<Socket> connections = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger closedByClient = new AtomicInteger();

    public ScriptedSmtpServer(Script script) throws IOException {
        this.script = script;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("scripted-smtp").start(this::acceptAll);
    }

    /** Connections clients opened so far. */
    public int connectionsOpened() {
        return connections.size();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Mails accepted with 250 after DATA. */
    public int accepted() {
        return accepted.get();
    }

    /** Connections the client closed (seen as end of stream). */
    public int closedByClient() {
        return closedByClient.get();
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
        try (socket; var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
             var out = new PrintWriter(socket.getOutputStream(), true, StandardCharsets.US_ASCII)) {
            if (script != Script.SILENT) {
                reply(out, "220 scripted ESMTP");
            }
            String line;
            int mails = 0;
            while ((line = in.readLine()) != null) {
                if (script == Script.SILENT) {
                    continue;
                }
                String command = line.length() < 4 ? line.toUpperCase() : line.substring(0, 4).toUpperCase();
                switch (command) {
                    case "EHLO", "HELO" -> reply(out, "250 scripted");
                    case "MAIL" -> {
                        if (script == Script.HANG_UP_AFTER_FIRST_MAIL && mails > 0) {
                            return;
                        }
                        reply(out, "250 2.1.0 ok");
                    }
                    case "RCPT" -> reply(out, switch (script) {
                        case DEFER_RECIPIENT -> "451 4.3.0 " + line.substring(line.indexOf('<'))
                                + ": mailbox busy, try again later";
                        case REJECT_RECIPIENT -> "550 5.1.1 " + line.substring(line.indexOf('<'))
                                + ": Recipient address rejected";
                        default -> "250 2.1.5 ok";
                    });
                    case "DATA" -> {
                        reply(out, "354 go ahead");
                        while ((line = in.readLine()) != null && !line.equals(".")) {
                            // the mail's content
                        }
                        accepted.incrementAndGet();
                        mails++;
                        reply(out, "250 2.0.0 queued");
                    }
                    case "QUIT" -> {
                        if (script != Script.SILENT_AFTER_DATA) {
                            reply(out, "221 bye");
                            return;
                        }
                    }
                    default -> reply(out, "250 ok");
                }
            }
            closedByClient.incrementAndGet();
        } catch (IOException e) {
            // the test closed the server, or the client reset the connection
        }
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
