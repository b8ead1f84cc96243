package dev.switchboard.account.inbound;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** Builds raw messages the way mail clients encode them, byte for byte, for the inbound tests. */
final class MessageSamples {

    private MessageSamples() {
    }

    /** Inbound settings as configuration binds them: the defaults, with {@code overrides} ("max-attachment-size"...). */
    static InboundProperties properties(String... overrides) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < overrides.length; i += 2) {
            values.put("switchboard.account.inbound." + overrides[i], overrides[i + 1]);
        }
        return new Binder(new MapConfigurationPropertySource(values))
                .bindOrCreate("switchboard.account.inbound", InboundProperties.class);
    }

    /** An RFC 2047 B-encoded word. */
    static String b(String text, String label, Charset charset) {
        return "=?" + label + "?B?" + Base64.getEncoder().encodeToString(text.getBytes(charset)) + "?=";
    }

    /** An RFC 2047 Q-encoded word. */
    static String q(String text, String label, Charset charset) {
        StringBuilder out = new StringBuilder("=?" + label + "?Q?");
        for (byte b : text.getBytes(charset)) {
            int c = b & 0xFF;
            if (c == ' ') {
                out.append('_');
            } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
                out.append((char) c);
            } else {
                out.append('=').append(String.format("%02X", c));
            }
        }
        return out.append("?=").toString();
    }

    /** Quoted-printable with CRLF kept as line breaks and soft breaks every 72 characters. */
    static String quotedPrintable(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        int line = 0;
        for (int i = 0; i < bytes.length; i++) {
            int c = bytes[i] & 0xFF;
            if (c == '\r' && i + 1 < bytes.length && bytes[i + 1] == '\n') {
                out.append("\r\n");
                line = 0;
                i++;
                continue;
            }
            String encoded = c >= 33 && c <= 126 && c != '=' ? String.valueOf((char) c) : String.format("=%02X", c);
            if (line + encoded.length() > 72) {
                out.append("=\r\n");
                line = 0;
            }
            out.append(encoded);
            line += encoded.length();
        }
        return out.toString();
    }

    static String base64(byte[] bytes) {
        return Base64.getMimeEncoder(76, new byte[] {'\r', '\n'}).encodeToString(bytes);
    }

    /** An RFC 2231 extended value: {@code charset''percent-encoded}. */
    static String rfc2231(String text, String label, Charset charset) {
        StringBuilder out = new StringBuilder(label + "''");
        for (byte b : text.getBytes(charset)) {
            int c = b & 0xFF;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-') {
                out.append((char) c);
            } else {
                out.append('%').append(String.format("%02X", c));
            }
        }
        return out.toString();
    }

    /** A message from lines of ASCII text, joined with CRLF. */
    static byte[] message(String... lines) {
        return (String.join("\r\n", lines) + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** A message whose header lines carry raw 8-bit text in {@code charset}, as some mailers send. */
    static byte[] raw8bit(Charset charset, String... lines) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String line : lines) {
            out.writeBytes(line.getBytes(charset));
            out.writeBytes(new byte[] {'\r', '\n'});
        }
        return out.toByteArray();
    }

    /** A plain message from {@code from} with the given Message-ID and extra header lines. */
    static byte[] simple(String from, String messageId, String subject, String... headers) {
        StringBuilder text = new StringBuilder();
        text.append("From: ").append(from).append("\r\n");
        text.append("To: support@tenant.example\r\n");
        text.append("Subject: ").append(subject).append("\r\n");
        if (messageId != null) {
            text.append("Message-ID: ").append(messageId).append("\r\n");
        }
        for (String header : headers) {
            text.append(header).append("\r\n");
        }
        text.append("Content-Type: text/plain; charset=UTF-8\r\n\r\nHello, my order has not arrived.\r\n");
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
