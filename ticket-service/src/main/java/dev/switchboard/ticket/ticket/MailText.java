package dev.switchboard.ticket.ticket;

import java.util.List;

/**
 * A mail's text fitted into a ticket's limits without refusing it: what is too long is cut (with a note where the
 * agent would otherwise not know), and line breaks in one-line values become spaces.
 */
final class MailText {

    static final String NO_SUBJECT = "(no subject)";
    /** The customer's name, as the create API bounds it. */
    static final int MAX_NAME = 100;
    static final int MAX_ADDRESS = 254;
    /** Notes are short lines; many skipped parts still leave room for the text. */
    static final int MAX_NOTES = 4_000;

    private MailText() {
    }

    /** One line of at most {@link TicketValidator#MAX_SUBJECT} characters; {@value #NO_SUBJECT} when empty. */
    static String subject(String subject) {
        String line = oneLine(subject);
        return line.isEmpty() ? NO_SUBJECT : cut(line, TicketValidator.MAX_SUBJECT, "…");
    }

    /** One line of at most {@value #MAX_NAME} characters, or null. */
    static String name(String name) {
        String line = oneLine(name);
        return line.isEmpty() ? null : cut(line, MAX_NAME, "");
    }

    /** The address as parsed by the fetcher, or null when there is none that could be mailed. */
    static String address(String address) {
        String line = oneLine(address);
        return line.isEmpty() || line.length() > MAX_ADDRESS || line.indexOf('@') < 1 ? null : line;
    }

    /**
     * The text followed by the notes, within {@link TicketValidator#MAX_CONTENT} characters: a text that does not fit
     * is cut, and a note says how much of it was kept.
     */
    static String content(String text, List<String> notes) {
        String body = text == null ? "" : text.strip();
        StringBuilder tail = new StringBuilder();
        for (String note : notes == null ? List.<String>of() : notes) {
            if (tail.length() + note.length() + 1 > MAX_NOTES) {
                tail.append("\n[…more parts not attached]");
                break;
            }
            tail.append('\n').append(note);
        }
        int room = TicketValidator.MAX_CONTENT - tail.length() - (tail.isEmpty() ? 0 : 2);
        if (body.length() > room) {
            String cutNote = "\n[The message was " + body.length() + " characters long; the first %d are shown.]";
            int keep = room - cutNote.length() - 8;
            String kept = cut(body, keep, "");
            body = kept + cutNote.formatted(kept.length());
        }
        if (tail.isEmpty()) {
            return body;
        }
        return body.isEmpty() ? tail.substring(1) : body + "\n\n" + tail.substring(1);
    }

    private static String oneLine(String value) {
        if (value == null) {
            return "";
        }
        StringBuilder line = new StringBuilder(value.length());
        value.codePoints().forEach(c -> line.appendCodePoint(
                Character.isISOControl(c) || c == 0x2028 || c == 0x2029 ? ' ' : c));
        return line.toString().strip().replaceAll(" {2,}", " ");
    }

    /** At most {@code max} characters, never splitting a surrogate pair; {@code ellipsis} marks a cut. */
    private static String cut(String value, int max, String ellipsis) {
        if (value.length() <= max) {
            return value;
        }
        int end = max - ellipsis.length();
        if (end > 0 && Character.isHighSurrogate(value.charAt(end - 1))) {
            end--;
        }
        return value.substring(0, Math.max(end, 0)) + ellipsis;
    }
}
