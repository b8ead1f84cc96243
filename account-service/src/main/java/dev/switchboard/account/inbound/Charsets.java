package dev.switchboard.account.inbound;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the bytes and encoded words of real-world mail into Unicode. Labels are read the way mail clients read
 * them, not the way the IANA registry spells them: Outlook's {@code ks_c_5601-1987} is Windows-949, Japanese
 * {@code Shift_JIS} is Windows-31J, {@code GB2312} text is decoded as its superset GB18030, {@code Big5} as
 * Big5-HKSCS. An unknown or missing label is tried as UTF-8, then ISO-8859-1, so a message never fails on its
 * charset.
 */
final class Charsets {

    /** One RFC 2047 encoded word; the charset may carry an RFC 2231 language suffix ({@code UTF-8*ko}). */
    private static final Pattern ENCODED_WORD = Pattern.compile("=\\?([^?\\s]+)\\?([BbQq])\\?([^?\\s]*)\\?=");
    private static final Pattern FOLD = Pattern.compile("\\r?\\n(?=[ \\t])");

    /** Labels whose everyday meaning is a superset of what the registry names. */
    private static final Map<String, String> SUPERSETS = Map.ofEntries(
            Map.entry("ks_c_5601-1987", "x-windows-949"),
            Map.entry("ks_c_5601", "x-windows-949"),
            Map.entry("ksc5601", "x-windows-949"),
            Map.entry("ksc_5601", "x-windows-949"),
            Map.entry("euc-kr", "x-windows-949"),
            Map.entry("euc_kr", "x-windows-949"),
            Map.entry("euckr", "x-windows-949"),
            Map.entry("cp949", "x-windows-949"),
            Map.entry("windows-949", "x-windows-949"),
            Map.entry("uhc", "x-windows-949"),
            Map.entry("shift_jis", "windows-31j"),
            Map.entry("shift-jis", "windows-31j"),
            Map.entry("sjis", "windows-31j"),
            Map.entry("x-sjis", "windows-31j"),
            Map.entry("ms_kanji", "windows-31j"),
            Map.entry("cp932", "windows-31j"),
            Map.entry("gb2312", "GB18030"),
            Map.entry("gb_2312-80", "GB18030"),
            Map.entry("euc-cn", "GB18030"),
            Map.entry("x-euc-cn", "GB18030"),
            Map.entry("gbk", "GB18030"),
            Map.entry("x-gbk", "GB18030"),
            Map.entry("cp936", "GB18030"),
            Map.entry("chinese", "GB18030"),
            Map.entry("big5", "Big5-HKSCS"),
            Map.entry("big-5", "Big5-HKSCS"),
            Map.entry("cn-big5", "Big5-HKSCS"),
            Map.entry("x-x-big5", "Big5-HKSCS"),
            Map.entry("iso-8859-1", "windows-1252"),
            Map.entry("latin1", "windows-1252"));

    private Charsets() {
    }

    /**
     * The charset to decode text labelled {@code label} with, or null when the label names none this runtime
     * knows, or names plain ASCII (whose 8-bit bytes, in practice, are UTF-8 or Latin-1 and are guessed).
     */
    static Charset forLabel(String label) {
        if (label == null) {
            return null;
        }
        String name = label.strip().replace("\"", "").replace("'", "").toLowerCase(Locale.ROOT);
        int language = name.indexOf('*');
        if (language >= 0) {
            name = name.substring(0, language);
        }
        if (name.isEmpty() || name.equals("us-ascii") || name.equals("ascii") || name.equals("us_ascii")) {
            return null;
        }
        String mapped = SUPERSETS.getOrDefault(name, name);
        try {
            return Charset.isSupported(mapped) ? Charset.forName(mapped) : null;
        } catch (IllegalArgumentException illegalName) {
            return null;
        }
    }

    /** Text from bytes labelled {@code label}; bytes invalid in a known charset become U+FFFD, never a failure. */
    static String decode(byte[] bytes, String label) {
        Charset charset = forLabel(label);
        if (charset != null) {
            return new String(bytes, charset);
        }
        return guess(bytes);
    }

    /** UTF-8 when the bytes are valid UTF-8, else ISO-8859-1, which every byte sequence is. */
    static String guess(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException notUtf8) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
    }

    /**
     * A header value as a person would read it: folding undone, RFC 2047 encoded words decoded (also where strict
     * parsers would not look, as mail clients do), and raw 8-bit text, which the parser hands over one byte per
     * character, decoded as UTF-8 or else with {@code hint} (the message's body charset). Adjacent encoded words of
     * one charset are decoded together, so a character split across two words survives.
     */
    static String decodeHeader(String raw, String hint) {
        if (raw == null) {
            return null;
        }
        String value = FOLD.matcher(raw).replaceAll("");
        StringBuilder out = new StringBuilder(value.length());
        Matcher word = ENCODED_WORD.matcher(value);
        int end = 0;
        boolean afterWord = false;
        String pendingCharset = null;
        ByteArrayOutputStream pending = new ByteArrayOutputStream();
        while (word.find()) {
            String between = value.substring(end, word.start());
            byte[] bytes = wordBytes(word.group(2), word.group(3));
            if (bytes == null) {
                // not decodable: the word stays as written
                flush(out, pending, pendingCharset);
                out.append(raw8bit(between, hint)).append(word.group());
                afterWord = false;
            } else if (afterWord && between.isBlank() && word.group(1).equalsIgnoreCase(pendingCharset)) {
                // white space between encoded words is not text (RFC 2047, 6.2)
                pending.writeBytes(bytes);
            } else {
                flush(out, pending, pendingCharset);
                if (!(afterWord && between.isBlank())) {
                    out.append(raw8bit(between, hint));
                }
                pendingCharset = word.group(1);
                pending.writeBytes(bytes);
                afterWord = true;
            }
            end = word.end();
        }
        flush(out, pending, pendingCharset);
        out.append(raw8bit(value.substring(end), hint));
        return out.toString();
    }

    /** A header value on one line, control characters gone, as a subject or a name is shown. */
    static String oneLine(String decoded) {
        if (decoded == null) {
            return "";
        }
        StringBuilder line = new StringBuilder(decoded.length());
        decoded.codePoints().forEach(c -> {
            if (c == '\r' || c == '\n' || c == '\t') {
                line.append(' ');
            } else if (!Character.isISOControl(c) && c != 0x2028 && c != 0x2029) {
                line.appendCodePoint(c);
            }
        });
        return line.toString().replaceAll(" {2,}", " ").strip();
    }

    private static void flush(StringBuilder out, ByteArrayOutputStream pending, String charset) {
        if (pending.size() > 0) {
            out.append(decode(pending.toByteArray(), charset));
            pending.reset();
        }
    }

    private static byte[] wordBytes(String encoding, String text) {
        if (encoding.equalsIgnoreCase("B")) {
            try {
                return Base64.getMimeDecoder().decode(text);
            } catch (IllegalArgumentException malformed) {
                return null;
            }
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '_') {
                bytes.write(' ');
            } else if (c == '=' && i + 2 < text.length() && hex(text.charAt(i + 1)) >= 0
                    && hex(text.charAt(i + 2)) >= 0) {
                bytes.write(hex(text.charAt(i + 1)) * 16 + hex(text.charAt(i + 2)));
                i += 2;
            } else {
                bytes.write(c & 0xFF);
            }
        }
        return bytes.toByteArray();
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }

    /**
     * Undoes the parser's one-character-per-byte reading of 8-bit header text; text already in Unicode (above
     * U+00FF) is left alone.
     */
    static String raw8bit(String text, String hint) {
        boolean high = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c > 0xFF) {
                return text;
            }
            high |= c >= 0x80;
        }
        if (!high) {
            return text;
        }
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException notUtf8) {
            Charset charset = forLabel(hint);
            return charset == null ? text : charset.decode(ByteBuffer.wrap(bytes)).toString();
        }
    }
}
