package dev.switchboard.ticket.field;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.function.BiPredicate;
import java.util.regex.Pattern;

/**
 * Checks one submitted value against its field, in the formats the vendor lists per type, and normalizes it
 * (options to their default-language text, agree to a boolean, files to a list of ids).
 */
public final class FieldInput {

    /** Even an "unlimited" text field stops here. */
    static final int MAX_TEXT = 65_535;
    static final int MAX_FILES = 5;

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("uuuu-MM-dd")
            .withResolverStyle(ResolverStyle.STRICT);
    private static final DateTimeFormatter DATETIME = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm")
            .withResolverStyle(ResolverStyle.STRICT);
    private static final Pattern PERIOD = Pattern.compile("(.+?)\\s*~\\s*(.+)");
    private static final Pattern ATTACHMENT_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    /** {@code failure} is the vendor's validate word (required, invalid, length); else {@code value} is kept. */
    public record Checked(String failure, Object value) {

        static Checked ok(Object value) {
            return new Checked(null, value);
        }

        static Checked fail(String failure) {
            return new Checked(failure, null);
        }

        public boolean failed() {
            return failure != null;
        }
    }

    private FieldInput() {
    }

    /** Checks {@code raw} (a string, a boolean or a list, as JSON gave it) for {@code field}. */
    public static Checked check(FieldDefinition field, Object raw, String language) {
        FieldType type = field.fieldType();
        if (type == FieldType.CAPTION) {
            return Checked.ok(null); // display only: nothing to enter
        }
        if (empty(raw)) {
            return field.required() ? Checked.fail("required") : Checked.ok(null);
        }
        return switch (type) {
            case TEXT, TEXTAREA -> raw instanceof String text ? text(field, text) : Checked.fail("invalid");
            case DROPDOWN, RADIO -> raw instanceof String choice
                    ? option(field, choice, language).map(Checked::ok).orElseGet(() -> Checked.fail("invalid"))
                    : Checked.fail("invalid");
            case CHECKBOX -> checkbox(field, raw, language);
            case DATE -> single(raw, DATE, LocalDate::parse);
            case DATETIME -> single(raw, DATETIME, LocalDateTime::parse);
            case DATE_PERIOD -> period(raw, DATE, LocalDate::parse, (a, b) -> !a.isAfter(b));
            case DATETIME_PERIOD -> period(raw, DATETIME, LocalDateTime::parse, (a, b) -> !a.isAfter(b));
            case AGREE -> agree(field, raw);
            case FILE -> files(raw);
            case CAPTION -> Checked.ok(null);
        };
    }

    /** The form of an upload's id; anything else cannot name one, whatever its length. */
    public static boolean isAttachmentId(String id) {
        return id != null && ATTACHMENT_ID.matcher(id).matches();
    }

    private static boolean empty(Object raw) {
        return raw == null || raw instanceof String s && s.isBlank() || raw instanceof Collection<?> c && c.isEmpty();
    }

    private static Checked text(FieldDefinition field, String text) {
        int limit = field.length() == 0 ? MAX_TEXT : Math.min(field.length(), MAX_TEXT);
        return text.length() > limit ? Checked.fail("length") : Checked.ok(text);
    }

    /** The option as the default language names it, if {@code given} is one in the default or the given language. */
    private static Optional<String> option(FieldDefinition field, String given, String language) {
        List<String> options = field.options() == null ? List.of() : field.options();
        int index = options.indexOf(given);
        if (index < 0 && language != null && field.languages() != null && field.languages().get(language) != null) {
            List<String> translated = field.languages().get(language).options();
            index = translated == null ? -1 : translated.indexOf(given);
        }
        return index >= 0 && index < options.size() ? Optional.of(options.get(index)) : Optional.empty();
    }

    private static Checked checkbox(FieldDefinition field, Object raw, String language) {
        if (!(raw instanceof List<?> items)) {
            return Checked.fail("invalid");
        }
        var chosen = new LinkedHashSet<String>();
        for (Object item : items) {
            Optional<String> option = item instanceof String s ? option(field, s, language) : Optional.empty();
            if (option.isEmpty() || !chosen.add(option.get())) {
                return Checked.fail("invalid");
            }
        }
        return Checked.ok(List.copyOf(chosen));
    }

    private static <T> Checked single(Object raw, DateTimeFormatter format, Parser<T> parser) {
        if (!(raw instanceof String text)) {
            return Checked.fail("invalid");
        }
        return parse(text.strip(), format, parser).map(ok -> Checked.ok(text.strip()))
                .orElseGet(() -> Checked.fail("invalid"));
    }

    private static <T> Checked period(Object raw, DateTimeFormatter format, Parser<T> parser, BiPredicate<T, T> ordered) {
        if (!(raw instanceof String text)) {
            return Checked.fail("invalid");
        }
        var matcher = PERIOD.matcher(text.strip());
        if (!matcher.matches()) {
            return Checked.fail("invalid");
        }
        Optional<T> start = parse(matcher.group(1), format, parser);
        Optional<T> end = parse(matcher.group(2), format, parser);
        if (start.isEmpty() || end.isEmpty() || !ordered.test(start.get(), end.get())) {
            return Checked.fail("invalid");
        }
        return Checked.ok(matcher.group(1) + " ~ " + matcher.group(2));
    }

    private static Checked agree(FieldDefinition field, Object raw) {
        Boolean agreed = raw instanceof Boolean b ? b
                : "true".equals(raw) ? Boolean.TRUE : "false".equals(raw) ? Boolean.FALSE : null;
        if (agreed == null) {
            return Checked.fail("invalid");
        }
        return field.required() && !agreed ? Checked.fail("required") : Checked.ok(agreed);
    }

    private static Checked files(Object raw) {
        List<?> items = raw instanceof List<?> list ? list : List.of(raw);
        List<String> ids = new ArrayList<>();
        for (Object item : items) {
            if (!(item instanceof String id) || !ATTACHMENT_ID.matcher(id).matches() || ids.contains(id)) {
                return Checked.fail("invalid");
            }
            ids.add(id);
        }
        return ids.size() > MAX_FILES ? Checked.fail("length") : Checked.ok(List.copyOf(ids));
    }

    private static <T> Optional<T> parse(String text, DateTimeFormatter format, Parser<T> parser) {
        try {
            return Optional.of(parser.parse(text, format));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    @FunctionalInterface
    private interface Parser<T> {
        T parse(CharSequence text, DateTimeFormatter format);
    }
}
