package dev.switchboard.ticket.field;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.switchboard.ticket.field.FieldDefinition.Translation;

/** One case per value format the vendor lists per field type. */
class FieldInputTest {

    static FieldDefinition field(String type, int length, boolean required, List<String> options) {
        return new FieldDefinition(700, "f", type, false, "F", "", "", length, required, false, true, options,
                Map.of("en", new Translation("F", null, null, options == null ? null
                        : options.stream().map(o -> o + "-en").toList())));
    }

    static String failure(FieldDefinition field, Object value) {
        return FieldInput.check(field, value, "en").failure();
    }

    static Object value(FieldDefinition field, Object value) {
        var checked = FieldInput.check(field, value, "en");
        assertThat(checked.failed()).as(checked.failure()).isFalse();
        return checked.value();
    }

    @Test
    void textHonoursLengthWhereZeroIsUnlimited() {
        assertThat(value(field("text", 5, false, null), "12345")).isEqualTo("12345");
        assertThat(failure(field("text", 5, false, null), "123456")).isEqualTo("length");
        assertThat(value(field("textarea", 0, false, null), "x".repeat(65_535))).isNotNull();
        assertThat(failure(field("textarea", 0, false, null), "x".repeat(65_536))).isEqualTo("length");
        assertThat(failure(field("text", 0, false, null), List.of("a"))).isEqualTo("invalid");
    }

    @Test
    void requiredMeansPresentAndNotBlank() {
        assertThat(failure(field("text", 0, true, null), null)).isEqualTo("required");
        assertThat(failure(field("text", 0, true, null), "  ")).isEqualTo("required");
        assertThat(failure(field("checkbox", 0, true, List.of("a")), List.of())).isEqualTo("required");
        assertThat(FieldInput.check(field("text", 0, false, null), null, null).value()).isNull();
    }

    @Test
    void optionsAreChosenFromTheFieldInEitherLanguageAndKeptInTheDefaultOne() {
        var dropdown = field("dropdown", 0, false, List.of("a", "b"));
        assertThat(value(dropdown, "b")).isEqualTo("b");
        assertThat(value(dropdown, "b-en")).isEqualTo("b");
        assertThat(failure(dropdown, "c")).isEqualTo("invalid");
        assertThat(failure(field("radio", 0, false, List.of("a")), List.of("a"))).isEqualTo("invalid");
        var checkbox = field("checkbox", 0, false, List.of("a", "b", "c"));
        assertThat(value(checkbox, List.of("c", "a-en"))).isEqualTo(List.of("c", "a"));
        assertThat(failure(checkbox, List.of("a", "a"))).isEqualTo("invalid");
        assertThat(failure(checkbox, "a")).isEqualTo("invalid");
        assertThat(failure(checkbox, List.of("a", 1))).isEqualTo("invalid");
    }

    @Test
    void datesAndTimesAreStrict() {
        assertThat(value(field("date", 0, false, null), "2022-07-11")).isEqualTo("2022-07-11");
        assertThat(failure(field("date", 0, false, null), "2022-02-30")).isEqualTo("invalid");
        assertThat(failure(field("date", 0, false, null), "11/07/2022")).isEqualTo("invalid");
        assertThat(value(field("datetime", 0, false, null), "2022-07-11 00:00")).isEqualTo("2022-07-11 00:00");
        assertThat(failure(field("datetime", 0, false, null), "2022-07-11 24:00")).isEqualTo("invalid");
        assertThat(failure(field("datetime", 0, false, null), "2022-07-11")).isEqualTo("invalid");
    }

    @Test
    void periodsStartNoLaterThanTheyEnd() {
        var dates = field("date_period", 0, false, null);
        assertThat(value(dates, "2022-07-01 ~ 2022-07-31")).isEqualTo("2022-07-01 ~ 2022-07-31");
        assertThat(value(dates, "2022-07-01~2022-07-01")).isEqualTo("2022-07-01 ~ 2022-07-01");
        assertThat(failure(dates, "2022-07-31 ~ 2022-07-01")).isEqualTo("invalid");
        assertThat(failure(dates, "2022-07-01")).isEqualTo("invalid");
        var times = field("datetime_period", 0, false, null);
        assertThat(value(times, "2022-07-01 00:00 ~ 2022-07-31 23:59")).isNotNull();
        assertThat(failure(times, "2022-07-01 10:00 ~ 2022-07-01 09:59")).isEqualTo("invalid");
    }

    @Test
    void agreeIsTrueOrFalseAndARequiredAgreementMustBeGiven() {
        assertThat(value(field("agree", 0, false, null), "true")).isEqualTo(true);
        assertThat(value(field("agree", 0, false, null), false)).isEqualTo(false);
        assertThat(failure(field("agree", 0, false, null), "yes")).isEqualTo("invalid");
        assertThat(failure(field("agree", 0, true, null), "false")).isEqualTo("required");
    }

    @Test
    void filesAreAttachmentIdsAndCaptionsTakeNoInput() {
        assertThat(value(field("file", 0, false, null), "8f0dc585")).isEqualTo(List.of("8f0dc585"));
        assertThat(failure(field("file", 0, false, null), List.of("a", "b", "c", "d", "e", "f"))).isEqualTo("length");
        assertThat(failure(field("file", 0, false, null), "../etc/passwd")).isEqualTo("invalid");
        assertThat(FieldInput.check(field("caption", 0, true, null), "anything", null).value()).isNull();
    }
}
