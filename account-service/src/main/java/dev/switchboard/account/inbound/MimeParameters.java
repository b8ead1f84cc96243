package dev.switchboard.account.inbound;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The value and parameters of a {@code Content-Type} or {@code Content-Disposition} header, read leniently:
 * RFC 2231 continuations and charsets ({@code filename*0*=EUC-KR''%B0%A1}), RFC 2047 words inside quoted values
 * (as Outlook and Gmail write file names), raw 8-bit names, unquoted values with spaces. Parsed here rather than
 * by Jakarta Mail, whose decoding follows JVM-wide system properties and the registry's charset names.
 */
record MimeParameters(String value, Map<String, String> parameters) {

    private static final Pattern SEGMENT = Pattern.compile("(.+?)\\*(\\d{1,3})(\\*?)");

    static final MimeParameters NONE = new MimeParameters("", Map.of());

    /** A parameter by its name, in any case; null when absent. */
    String get(String name) {
        return parameters.get(name.toLowerCase(Locale.ROOT));
    }

    /** Parses a header value; {@code hint} is the charset raw 8-bit text is tried with after UTF-8. */
    static MimeParameters parse(String header, String hint) {
        if (header == null) {
            return NONE;
        }
        String text = header.replaceAll("\\r?\\n(?=[ \\t])", "");
        int semicolon = text.indexOf(';');
        String value = (semicolon < 0 ? text : text.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
        Map<String, String> plain = new HashMap<>();
        Map<String, String> extended = new HashMap<>();
        Map<String, TreeMap<Integer, String[]>> segments = new HashMap<>();
        int at = semicolon < 0 ? text.length() : semicolon + 1;
        while (at < text.length()) {
            int equals = text.indexOf('=', at);
            int next = text.indexOf(';', at);
            if (equals < 0 || (next >= 0 && next < equals)) {
                at = next < 0 ? text.length() : next + 1;
                continue;
            }
            String name = text.substring(at, equals).strip().toLowerCase(Locale.ROOT);
            int start = equals + 1;
            while (start < text.length() && (text.charAt(start) == ' ' || text.charAt(start) == '\t')) {
                start++;
            }
            String raw;
            if (start < text.length() && text.charAt(start) == '"') {
                StringBuilder quoted = new StringBuilder();
                int i = start + 1;
                for (; i < text.length() && text.charAt(i) != '"'; i++) {
                    char c = text.charAt(i);
                    if (c == '\\' && i + 1 < text.length()) {
                        c = text.charAt(++i);
                    }
                    quoted.append(c);
                }
                raw = quoted.toString();
                int after = text.indexOf(';', Math.min(i + 1, text.length()));
                at = after < 0 ? text.length() : after + 1;
            } else {
                int stop = text.indexOf(';', start);
                raw = (stop < 0 ? text.substring(start) : text.substring(start, stop)).strip();
                at = stop < 0 ? text.length() : stop + 1;
            }
            if (name.isEmpty()) {
                continue;
            }
            Matcher segment = SEGMENT.matcher(name);
            if (segment.matches()) {
                segments.computeIfAbsent(segment.group(1), key -> new TreeMap<>())
                        .put(Integer.parseInt(segment.group(2)), new String[] {raw, segment.group(3)});
            } else if (name.endsWith("*")) {
                extended.put(name.substring(0, name.length() - 1), raw);
            } else {
                plain.putIfAbsent(name, raw);
            }
        }
        Map<String, String> parameters = new HashMap<>();
        plain.forEach((name, raw) -> parameters.put(name, Charsets.decodeHeader(raw, hint)));
        segments.forEach((name, parts) -> parameters.put(name, joined(parts, hint)));
        extended.forEach((name, raw) -> parameters.put(name, extendedValue(raw, hint)));
        return new MimeParameters(value, Map.copyOf(parameters));
    }

    /** {@code charset'language'percent-encoded}: the bytes decoded with the named charset. */
    private static String extendedValue(String raw, String hint) {
        int first = raw.indexOf('\'');
        int second = first < 0 ? -1 : raw.indexOf('\'', first + 1);
        if (second < 0) {
            return Charsets.decodeHeader(raw, hint);
        }
        return Charsets.decode(percentDecoded(raw.substring(second + 1)), raw.substring(0, first));
    }

    /** RFC 2231 continuations: segments in order, those marked with {@code *} percent-encoded in the first's charset. */
    private static String joined(TreeMap<Integer, String[]> parts, String hint) {
        String charset = null;
        boolean anyEncoded = false;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (var entry : parts.entrySet()) {
            String raw = entry.getValue()[0];
            boolean encoded = !entry.getValue()[1].isEmpty();
            if (encoded) {
                anyEncoded = true;
                if (entry.getKey() == 0) {
                    int first = raw.indexOf('\'');
                    int second = first < 0 ? -1 : raw.indexOf('\'', first + 1);
                    if (second >= 0) {
                        charset = raw.substring(0, first);
                        raw = raw.substring(second + 1);
                    }
                }
                bytes.writeBytes(percentDecoded(raw));
            } else {
                bytes.writeBytes(raw.getBytes(StandardCharsets.ISO_8859_1));
            }
        }
        if (!anyEncoded) {
            return Charsets.decodeHeader(bytes.toString(StandardCharsets.ISO_8859_1), hint);
        }
        return charset == null || charset.isEmpty() ? Charsets.decode(bytes.toByteArray(), hint)
                : Charsets.decode(bytes.toByteArray(), charset);
    }

    private static byte[] percentDecoded(String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%' && i + 2 < text.length() && Character.digit(text.charAt(i + 1), 16) >= 0
                    && Character.digit(text.charAt(i + 2), 16) >= 0) {
                bytes.write(Character.digit(text.charAt(i + 1), 16) * 16 + Character.digit(text.charAt(i + 2), 16));
                i += 2;
            } else {
                bytes.write(c & 0xFF);
            }
        }
        return bytes.toByteArray();
    }
}
