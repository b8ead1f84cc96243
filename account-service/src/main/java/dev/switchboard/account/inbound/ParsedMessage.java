package dev.switchboard.account.inbound;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * A fetched message as Switchboard reads it: decoded headers, the bodies, the parts that become files, and the
 * headers loop and noise protection looks at. Holds personal data: never logged.
 *
 * @param from        the sender (From, else Sender); null when no address could be read
 * @param textBody    the plain-text body; derived from the HTML when the message had no text part
 * @param htmlBody    the HTML body, sanitized; null when the message had none
 * @param messageId   with angle brackets; null when absent
 * @param bodyCharset the charset the message's text is labelled with, for its raw 8-bit headers
 */
record ParsedMessage(String subject, Address from, List<Address> to, List<Address> cc, List<Address> replyTo,
                     String textBody, String htmlBody, String messageId, String inReplyTo, List<String> references,
                     Instant sentAt, LoopHeaders loop, List<Part> parts, List<String> skippedParts,
                     String bodyCharset) {

    /** An address and its display name (null when none). */
    record Address(String address, String name) {

        /** The domain, lower case; null for an address without one. */
        String domain() {
            int at = address.lastIndexOf('@');
            return at < 0 || at == address.length() - 1 ? null : address.substring(at + 1).toLowerCase(Locale.ROOT);
        }

        String localPart() {
            int at = address.lastIndexOf('@');
            return at < 0 ? address : address.substring(0, at);
        }

        @Override
        public String toString() {
            return "Address[********]";
        }
    }

    /**
     * The headers that tell automatic mail from a person's.
     *
     * @param autoSubmitted RFC 3834 {@code Auto-Submitted}, null when absent
     * @param precedence    {@code Precedence}, null when absent
     * @param xLoop         whether any {@code X-Loop} header is present
     * @param report        whether the message is a {@code multipart/report} (a delivery status notification)
     */
    record LoopHeaders(String autoSubmitted, String precedence, boolean xLoop, boolean report) {
    }

    /**
     * A part stored as a file.
     *
     * @param contentId without angle brackets; null when the part has none
     * @param inline    shown inside the HTML body ({@code cid:}) rather than attached
     * @param content   the decoded bytes; null when the part is larger than the limit (then {@code tooLarge})
     */
    record Part(String fileName, String contentType, String contentId, boolean inline, byte[] content,
                boolean tooLarge) {

        @Override
        public String toString() {
            return "Part[" + contentType + (tooLarge ? ", too large" : ", " + content.length + " bytes") + "]";
        }
    }

    @Override
    public String toString() {
        return "ParsedMessage[" + parts.size() + " parts, ********]";
    }
}
