package dev.switchboard.account.inbound;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.stereotype.Component;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimePart;
import jakarta.mail.internet.MimePartDataSource;
import jakarta.mail.internet.MimeUtility;

/**
 * Reads a raw RFC 5322 message into a {@link ParsedMessage}. Jakarta Mail splits the message into its parts and
 * undoes the transfer encodings; names, parameters and text are decoded here ({@link Charsets},
 * {@link MimeParameters}), leniently: what a mail client would show is what comes out. Only a message whose MIME
 * structure cannot be read, or that has no sender address at all, fails ({@link UnparseableMessageException}).
 * Parsing is CPU-bound and reads streams: callers run it off the event loop.
 */
@Component
class MessageParser {

    /** Ticket-service's limit of a ticket's text: a longer text goes into the ticket as {@code message.txt}. */
    static final int MAX_TEXT = 65_535;
    /** Keeps the event well inside Kafka's default 1 MB record with the text beside it. */
    static final int MAX_HTML = 200_000;
    static final int MAX_SUBJECT = 998;
    static final int MAX_FILES = 50;
    /** attachment-service's (the vendor's) longest file name. */
    static final int MAX_FILE_NAME = 100;
    private static final int MAX_DEPTH = 20;
    private static final int MAX_ADDRESSES = 100;
    private static final int MAX_NAME = 200;
    private static final int MAX_REFERENCES = 50;
    private static final int MAX_ID = 500;
    private static final Pattern MESSAGE_ID = Pattern.compile("<([^<>\\s]{1," + MAX_ID + "})>");
    private static final Pattern BARE_ADDRESS = Pattern.compile("[^\\s<>,;:\"()\\[\\]]+@[^\\s<>,;:\"()\\[\\]]+");
    private static final Pattern META_CHARSET = Pattern.compile(
            "<meta[^>]+charset\\s*=\\s*[\"']?([A-Za-z0-9_:.-]+)", Pattern.CASE_INSENSITIVE);
    private static final Map<String, String> EXTENSIONS = Map.ofEntries(
            Map.entry("image/png", "png"), Map.entry("image/jpeg", "jpg"), Map.entry("image/jpg", "jpg"),
            Map.entry("image/gif", "gif"), Map.entry("image/bmp", "bmp"), Map.entry("image/tiff", "tif"),
            Map.entry("application/pdf", "pdf"), Map.entry("text/plain", "txt"), Map.entry("text/html", "html"),
            Map.entry("text/calendar", "ics"), Map.entry("message/rfc822", "eml"),
            Map.entry("message/delivery-status", "txt"), Map.entry("application/zip", "zip"));

    private final Session session;
    private final long maxAttachmentSize;

    MessageParser(InboundProperties properties) {
        this.maxAttachmentSize = properties.maxAttachmentSize().toBytes();
        Properties settings = new Properties();
        // Jakarta Mail reads most of these JVM-wide; they matter only where it decodes by itself (dates, addresses)
        settings.setProperty("mail.mime.decodetext.strict", "false");
        settings.setProperty("mail.mime.decodefilename", "true");
        settings.setProperty("mail.mime.decodeparameters", "true");
        settings.setProperty("mail.mime.address.strict", "false");
        // 8-bit headers arrive one character per byte and are decoded by Charsets, which knows the body's charset
        settings.setProperty("mail.mime.allowutf8", "false");
        this.session = Session.getInstance(settings);
    }

    ParsedMessage parse(byte[] raw) throws UnparseableMessageException {
        MimeMessage message;
        try {
            message = new MimeMessage(session, new ByteArrayInputStream(raw));
        } catch (MessagingException e) {
            throw new UnparseableMessageException("the headers cannot be read (" + e.getMessage() + ")", e);
        }
        Walk walk = new Walk();
        try {
            walk.part(message, 0);
        } catch (MessagingException | IOException e) {
            throw new UnparseableMessageException("the MIME structure cannot be read (" + e.getMessage() + ")", e);
        }
        String hint = walk.bodyCharset;
        try {
            List<ParsedMessage.Address> from = addresses(message, "From", hint);
            if (from.isEmpty()) {
                from = addresses(message, "Sender", hint);
            }
            if (from.isEmpty()) {
                throw new UnparseableMessageException("it has no readable sender address (From)", null);
            }
            String html = walk.html == null ? null : HtmlBodies.sanitize(walk.html);
            String text = walk.text != null ? walk.text : walk.html != null ? HtmlBodies.text(walk.html) : "";
            if (!walk.extraText.isEmpty()) {
                text = text + "\n\n" + String.join("\n\n", walk.extraText);
            }
            List<String> skipped = walk.skipped;
            if (html != null && html.length() > MAX_HTML) {
                skipped.add("message.html: the HTML body is longer than " + MAX_HTML
                        + " characters; the text body is kept");
                html = null;
            }
            if (text.length() > MAX_TEXT) {
                walk.addFile("message.txt", "text/plain", null, false, text.getBytes(StandardCharsets.UTF_8));
                String note = "\n\n[The text continues in the attached message.txt]";
                int cut = MAX_TEXT - note.length();
                if (Character.isHighSurrogate(text.charAt(cut - 1))) {
                    cut--;
                }
                text = text.substring(0, cut) + note;
            }
            String references = message.getHeader("References", " ");
            List<String> referenceIds = ids(references);
            if (referenceIds.size() > MAX_REFERENCES) {
                referenceIds = referenceIds.subList(referenceIds.size() - MAX_REFERENCES, referenceIds.size());
            }
            String subject = Charsets.oneLine(Charsets.decodeHeader(message.getHeader("Subject", null), hint));
            return new ParsedMessage(truncate(subject, MAX_SUBJECT), from.getFirst(),
                    addresses(message, "To", hint), addresses(message, "Cc", hint),
                    addresses(message, "Reply-To", hint), text, html,
                    firstId(message.getHeader("Message-ID", null)), firstId(message.getHeader("In-Reply-To", null)),
                    List.copyOf(referenceIds), sentAt(message), loopHeaders(message, walk.topType),
                    List.copyOf(walk.parts), List.copyOf(skipped), hint);
        } catch (MessagingException e) {
            throw new UnparseableMessageException("the headers cannot be read (" + e.getMessage() + ")", e);
        }
    }

    /** The parts in message order: the first plain and HTML texts are the bodies, everything else a file. */
    private final class Walk {
        String text;
        String html;
        String bodyCharset;
        String topType;
        final List<String> extraText = new ArrayList<>();
        final List<ParsedMessage.Part> parts = new ArrayList<>();
        final List<String> skipped = new ArrayList<>();
        private int unnamed;

        void part(MimePart part, int depth) throws MessagingException, IOException {
            MimeParameters type = MimeParameters.parse(part.getHeader("Content-Type", null), bodyCharset);
            String mimeType = type.value().isEmpty() || !type.value().contains("/") ? "text/plain" : type.value();
            if (topType == null) {
                topType = mimeType;
            }
            MimeParameters disposition = MimeParameters.parse(part.getHeader("Content-Disposition", null),
                    bodyCharset);
            if (mimeType.startsWith("multipart/")) {
                if (depth >= MAX_DEPTH) {
                    throw new MessagingException("multipart nested more than " + MAX_DEPTH + " deep");
                }
                MimeMultipart multipart = new MimeMultipart(new MimePartDataSource(part));
                for (int i = 0; i < multipart.getCount(); i++) {
                    part((MimeBodyPart) multipart.getBodyPart(i), depth + 1);
                }
                return;
            }
            String fileName = disposition.get("filename") != null ? disposition.get("filename") : type.get("name");
            boolean attachment = "attachment".equals(disposition.value());
            boolean plain = mimeType.equals("text/plain");
            boolean markup = mimeType.equals("text/html");
            if (!attachment && blank(fileName) && (plain || (markup && html == null))) {
                byte[] bytes = content(part, Long.MAX_VALUE);
                String charset = type.get("charset");
                if (charset == null && markup) {
                    charset = metaCharset(bytes);
                }
                String decoded = Charsets.decode(bytes, charset);
                if (bodyCharset == null && charset != null) {
                    bodyCharset = charset;
                }
                if (markup) {
                    html = decoded;
                } else if (text == null) {
                    text = decoded;
                } else {
                    extraText.add(decoded);
                }
                return;
            }
            String contentId = contentId(part.getHeader("Content-ID", null));
            String name = blank(fileName) ? "attachment-" + (++unnamed) + "."
                    + EXTENSIONS.getOrDefault(mimeType, "bin") : fileName(fileName);
            if (parts.size() >= MAX_FILES) {
                skipped.add(name + ": more than " + MAX_FILES + " files in one message");
                return;
            }
            byte[] bytes = content(part, maxAttachmentSize);
            addFile(name, mimeType, contentId, !attachment && contentId != null, bytes);
        }

        void addFile(String name, String contentType, String contentId, boolean inline, byte[] bytes) {
            boolean tooLarge = bytes == null || bytes.length > maxAttachmentSize;
            parts.add(new ParsedMessage.Part(name, contentType, contentId, inline, tooLarge ? null : bytes, tooLarge));
        }
    }

    /**
     * The part's decoded bytes, or null when they exceed {@code limit}. An unknown transfer encoding keeps the
     * bytes as they are; broken base64 is decoded as far as it goes.
     */
    private static byte[] content(MimePart part, long limit) throws MessagingException, IOException {
        byte[] raw = rawContent(part);
        String encoding = token(part.getHeader("Content-Transfer-Encoding", null));
        String name = encoding == null || encoding.isEmpty() ? "7bit" : encoding;
        byte[] decoded;
        try (InputStream in = MimeUtility.decode(new ByteArrayInputStream(raw), name)) {
            decoded = readAtMost(in, limit);
        } catch (MessagingException | IOException undecodable) {
            decoded = name.equals("base64") ? lenientBase64(raw) : raw;
            if (decoded.length > limit) {
                return null;
            }
        }
        return decoded;
    }

    private static byte[] rawContent(MimePart part) throws MessagingException, IOException {
        try (InputStream in = part instanceof MimeBodyPart body ? body.getRawInputStream()
                : ((MimeMessage) part).getRawInputStream()) {
            return in.readAllBytes();
        }
    }

    private static byte[] readAtMost(InputStream in, long limit) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        long total = 0;
        for (int read; (read = in.read(buffer)) >= 0; ) {
            total += read;
            if (total > limit) {
                return null;
            }
            out.write(buffer, 0, read);
        }
        return out.toByteArray();
    }

    private static byte[] lenientBase64(byte[] raw) {
        StringBuilder clean = new StringBuilder(raw.length);
        for (byte b : raw) {
            char c = (char) (b & 0xFF);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/') {
                clean.append(c);
            }
        }
        if (clean.length() % 4 == 1) {
            clean.setLength(clean.length() - 1);
        }
        return java.util.Base64.getDecoder().decode(clean.toString());
    }

    /** The charset an HTML part names in its own {@code <meta>}, for parts whose header names none. */
    private static String metaCharset(byte[] html) {
        String head = new String(html, 0, Math.min(html.length, 4096), StandardCharsets.ISO_8859_1);
        Matcher meta = META_CHARSET.matcher(head);
        return meta.find() ? meta.group(1) : null;
    }

    /** The last path segment of a sent name, without control characters, at most {@link #MAX_FILE_NAME} long. */
    static String fileName(String sent) {
        String name = Charsets.oneLine(sent);
        name = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1).strip();
        if (name.isEmpty() || name.equals(".") || name.equals("..")) {
            return "attachment";
        }
        if (name.length() <= MAX_FILE_NAME) {
            return name;
        }
        int dot = name.lastIndexOf('.');
        String extension = dot > 0 && name.length() - dot <= 10 ? name.substring(dot) : "";
        int keep = MAX_FILE_NAME - extension.length();
        if (Character.isHighSurrogate(name.charAt(keep - 1))) {
            keep--;
        }
        return name.substring(0, keep) + extension;
    }

    private static String contentId(String header) {
        if (header == null) {
            return null;
        }
        String id = header.strip();
        if (id.startsWith("<") && id.endsWith(">")) {
            id = id.substring(1, id.length() - 1).strip();
        }
        return id.isEmpty() || id.length() > MAX_ID ? null : id;
    }

    /** The addresses of a header with their decoded display names; group syntax is flattened. */
    private static List<ParsedMessage.Address> addresses(MimeMessage message, String header, String hint)
            throws MessagingException {
        String raw = message.getHeader(header, ",");
        if (raw == null || raw.isBlank()) {
            return List.of();
        }
        List<ParsedMessage.Address> found = new ArrayList<>();
        try {
            for (InternetAddress address : InternetAddress.parseHeader(raw, false)) {
                if (address.isGroup()) {
                    for (InternetAddress member : address.getGroup(false)) {
                        add(found, member, hint);
                    }
                } else {
                    add(found, address, hint);
                }
            }
        } catch (AddressException unreadable) {
            // what a mail client would still make of it: the bare addresses
            found.clear();
            Matcher bare = BARE_ADDRESS.matcher(Charsets.raw8bit(raw, hint));
            while (bare.find() && found.size() < MAX_ADDRESSES) {
                found.add(new ParsedMessage.Address(bare.group(), null));
            }
        }
        return found.size() > MAX_ADDRESSES ? List.copyOf(found.subList(0, MAX_ADDRESSES)) : List.copyOf(found);
    }

    private static void add(List<ParsedMessage.Address> found, InternetAddress address, String hint) {
        String mailbox = address.getAddress() == null ? "" : Charsets.raw8bit(address.getAddress(), hint).strip();
        if (mailbox.matches(".*[<>,;\\s].*")) {
            // the lenient parser kept stray brackets or separators: the address is the part that looks like one
            Matcher bare = BARE_ADDRESS.matcher(mailbox);
            mailbox = bare.find() ? bare.group() : "";
        }
        if (mailbox.indexOf('@') <= 0 || found.size() >= MAX_ADDRESSES) {
            return;
        }
        String name = displayName(address, hint);
        found.add(new ParsedMessage.Address(mailbox, name));
    }

    /**
     * The display name as written, decoded by {@link Charsets} rather than by Jakarta Mail (which knows only the
     * registry's charset names): {@code toString()} gives the phrase back as it stood in the header.
     */
    private static String displayName(InternetAddress address, String hint) {
        if (address.getPersonal() == null) {
            return null;
        }
        String written = address.toString();
        String suffix = " <" + address.getAddress() + ">";
        String phrase = written.endsWith(suffix) ? written.substring(0, written.length() - suffix.length())
                : address.getPersonal();
        if (phrase.length() >= 2 && phrase.startsWith("\"") && phrase.endsWith("\"")) {
            phrase = phrase.substring(1, phrase.length() - 1).replaceAll("\\\\(.)", "$1");
        }
        String name = Charsets.oneLine(Charsets.decodeHeader(phrase, hint));
        return name.isEmpty() ? null : truncate(name, MAX_NAME);
    }

    private static String firstId(String header) {
        List<String> ids = ids(header);
        return ids.isEmpty() ? null : ids.getFirst();
    }

    private static List<String> ids(String header) {
        if (header == null) {
            return List.of();
        }
        List<String> ids = new ArrayList<>();
        Matcher id = MESSAGE_ID.matcher(header);
        while (id.find()) {
            ids.add(id.group());
        }
        return ids;
    }

    private static Instant sentAt(MimeMessage message) {
        try {
            Date date = message.getSentDate();
            return date == null ? null : date.toInstant();
        } catch (MessagingException | RuntimeException unreadable) {
            return null;
        }
    }

    private static ParsedMessage.LoopHeaders loopHeaders(MimeMessage message, String topType)
            throws MessagingException {
        return new ParsedMessage.LoopHeaders(token(message.getHeader("Auto-Submitted", null)),
                token(message.getHeader("Precedence", null)), message.getHeader("X-Loop") != null,
                "multipart/report".equals(topType));
    }

    /** The first word of a header, lower case, without comments or parameters. */
    private static String token(String header) {
        if (header == null) {
            return null;
        }
        String value = header.strip().toLowerCase(Locale.ROOT);
        int end = 0;
        while (end < value.length() && value.charAt(end) != ';' && value.charAt(end) != '('
                && !Character.isWhitespace(value.charAt(end))) {
            end++;
        }
        return value.substring(0, end);
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    private static String truncate(String value, int max) {
        if (value.length() <= max) {
            return value;
        }
        int cut = Character.isHighSurrogate(value.charAt(max - 1)) ? max - 1 : max;
        return value.substring(0, cut);
    }
}
