package dev.switchboard.ticket.ticket;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.switchboard.ticket.field.FieldDefinition;
import dev.switchboard.ticket.field.Form;
import dev.switchboard.ticket.ticket.TicketRequests.AttachmentBody;
import dev.switchboard.ticket.ticket.TicketRequests.CreateTicketRequest;
import dev.switchboard.ticket.ticket.TicketRequests.EndUserBody;
import dev.switchboard.ticket.ticket.TicketRequests.UserFieldBody;
import dev.switchboard.ticket.ticket.TicketRequests.ValidationFailure;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The seed's form (its field list response) against the seed's ticket and one case per rule. */
class TicketValidatorTest {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final Form SEED_FORM = seedForm();

    final TicketValidator validator = new TicketValidator();

    /** The demo tenant's form is the seed's field list; the list lives beside the demo data. */
    static Form seedForm() {
        JsonNode contents = JSON.readTree(Path.of("../devstack/src/main/resources/demo-fields.json").toFile())
                .path("result").path("contents");
        List<FieldDefinition> fields = new ArrayList<>();
        for (JsonNode f : contents) {
            List<String> options = f.path("options").isArray()
                    ? f.path("options").valueStream().map(JsonNode::asString).toList() : null;
            fields.add(new FieldDefinition(f.path("fieldId").asLong(), f.path("code").asString(),
                    f.path("type").asString(), f.path("fieldId").asLong() < 100, f.path("title").asString(),
                    f.path("description").asString(), f.path("placeholder").asString(), f.path("length").asInt(),
                    f.path("required").asBoolean(), f.path("encrypt").asBoolean(), f.path("holdingText").asBoolean(),
                    options, Map.of()));
        }
        return new Form(fields, fields, true, "Type1-1-1-1-1", "Type1 > Type1-1-1-1-1");
    }

    static List<UserFieldBody> seedUserFields() {
        return List.of(new UserFieldBody("textbox", "텍스트 박스 이름"),
                new UserFieldBody("checkbox", List.of("옵션1", "옵션2")), new UserFieldBody("dropdown", "옵션1"),
                new UserFieldBody("radiobutton", "옵션1"), new UserFieldBody("date", "2022-07-11"),
                new UserFieldBody("datetime", "2022-07-11 00:00"),
                new UserFieldBody("dateperiod", "2022-07-01 ~ 2022-07-31"),
                new UserFieldBody("datetimeperiod", "2022-07-01 00:00 ~ 2022-07-31 23:59"),
                new UserFieldBody("agreetotheterms", "true"), new UserFieldBody("personalAgree", "true"));
    }

    static CreateTicketRequest request(String subject, String content, EndUserBody endUser, List<AttachmentBody> attachments,
                                       String source) {
        return withFields(subject, content, endUser, attachments, source, seedUserFields());
    }

    static CreateTicketRequest withFields(String subject, String content, EndUserBody endUser,
                                          List<AttachmentBody> attachments, String source, List<UserFieldBody> fields) {
        return new CreateTicketRequest(2542L, subject, content, endUser, attachments, "구분1", "구분2", "ko", source, fields);
    }

    static EndUserBody customer() {
        return new EndUserBody("st18888", "enduser_simple@nhn-st.com", "이름", "13333333333");
    }

    List<ValidationFailure> failures(CreateTicketRequest request) {
        return validator.validate(request, SEED_FORM).failures();
    }

    List<String> keys(CreateTicketRequest request) {
        return failures(request).stream().map(ValidationFailure::key).toList();
    }

    @Test
    void acceptsTheSeedTicketAndKeepsItsUserFieldsNormalized() {
        var outcome = validator.validate(request("유형", "문의내용", customer(), List.of(new AttachmentBody("a")), "web"),
                SEED_FORM);
        assertThat(outcome.failures()).isEmpty();
        assertThat(outcome.userFields()).extracting(Ticket.UserField::code).containsExactly("textbox", "checkbox",
                "dropdown", "radiobutton", "date", "datetime", "dateperiod", "datetimeperiod", "agreetotheterms",
                "personalAgree");
        assertThat(outcome.userFields().get(1).value()).isEqualTo(List.of("옵션1", "옵션2"));
        assertThat(outcome.userFields().get(1).encrypt()).isTrue();
        assertThat(outcome.userFields().get(8).value()).isEqualTo(true);
    }

    @Test
    void reproducesTheSeedFailureExample() {
        var fields = new ArrayList<>(seedUserFields());
        fields.set(0, new UserFieldBody("textbox", "x".repeat(51)));
        fields.set(1, new UserFieldBody("checkbox", List.of("옵션9")));
        fields.set(2, new UserFieldBody("dropdown", "옵션9"));
        var failures = failures(withFields("유형", "문의내용",
                new EndUserBody("st18888", "not-a-mail", "이름", "1".repeat(31)), null, "web", fields));
        assertThat(failures).extracting(ValidationFailure::objectName, ValidationFailure::field, ValidationFailure::validate)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("mail", "3", "invalid"),
                        org.assertj.core.groups.Tuple.tuple("phone", "4", "length"),
                        org.assertj.core.groups.Tuple.tuple("textbox", "721", "length"),
                        org.assertj.core.groups.Tuple.tuple("checkbox", "722", "invalid"),
                        org.assertj.core.groups.Tuple.tuple("dropdown", "723", "invalid"));
        assertThat(failures.getFirst().key()).isEqualTo("validate.ticket.mail.invalid");
        assertThat(failures.getFirst().message()).isEqualTo(failures.getFirst().key());
    }

    @Test
    void subjectIsRequiredAndLimitedByItsField() {
        assertThat(keys(request(" ", "c", customer(), null, null))).containsExactly("validate.ticket.subject.required");
        assertThat(failures(request("x".repeat(200), "c", customer(), null, null))).isEmpty();
        assertThat(keys(request("x".repeat(201), "c", customer(), null, null))).containsExactly("validate.ticket.subject.length");
    }

    @Test
    void contentIsRequiredAndLimitedByItsField() {
        assertThat(keys(request("s", null, customer(), null, null))).containsExactly("validate.ticket.content.required");
        assertThat(keys(request("s", "x".repeat(5001), customer(), null, null))).containsExactly("validate.ticket.content.length");
    }

    @Test
    void mailIsRequiredAndValidAndNeedsAName() {
        assertThat(keys(request("s", "c", null, null, null))).containsExactly("validate.ticket.mail.required");
        assertThat(keys(request("s", "c", new EndUserBody(null, "not-a-mail", "A", null), null, null)))
                .containsExactly("validate.ticket.mail.invalid");
        assertThat(keys(request("s", "c", new EndUserBody(null, "a@" + "x".repeat(95) + ".com", "A", null), null, null)))
                .containsExactly("validate.ticket.mail.length");
        assertThat(keys(request("s", "c", new EndUserBody(null, "a@example.com", "", null), null, null)))
                .containsExactly("validate.ticket.name.required");
    }

    @Test
    void phoneHasALengthAndCharacterRule() {
        assertThat(keys(request("s", "c", new EndUserBody(null, "a@example.com", "A", "1".repeat(31)), null, null)))
                .containsExactly("validate.ticket.phone.length");
        assertThat(keys(request("s", "c", new EndUserBody(null, "a@example.com", "A", "call me"), null, null)))
                .containsExactly("validate.ticket.phone.invalid");
    }

    @Test
    void atMostFiveAttachments() {
        var six = Collections.nCopies(6, new AttachmentBody("a"));
        assertThat(keys(request("s", "c", customer(), six, null))).containsExactly("validate.ticket.attachment.length");
        assertThat(failures(request("s", "c", customer(), six.subList(0, 5), null))).isEmpty();
    }

    @Test
    void sourceIsOneOfTheVendorChannels() {
        assertThat(keys(request("s", "c", customer(), null, "fax"))).containsExactly("validate.ticket.source.invalid");
    }

    @Test
    void categoryMustBeTheTenants() {
        var unknown = new Form(SEED_FORM.shown(), SEED_FORM.all(), false, null, null);
        assertThat(validator.validate(request("s", "c", customer(), null, null), unknown).failures())
                .extracting(ValidationFailure::key).containsExactly("validate.ticket.category.invalid");
    }

    @Test
    void requiredUserFieldsAndConsent() {
        var fields = new ArrayList<>(seedUserFields());
        fields.removeFirst();
        fields.set(fields.size() - 1, new UserFieldBody("personalAgree", "false"));
        assertThat(keys(withFields("s", "c", customer(), null, null, fields)))
                .containsExactly("validate.ticket.textbox.required", "validate.ticket.personalAgree.required");
    }

    @Test
    void unknownOrRepeatedUserFieldCodesAreInvalid() {
        var fields = new ArrayList<>(seedUserFields());
        fields.add(new UserFieldBody("nosuchfield", "x"));
        fields.add(new UserFieldBody("date", "2022-07-12"));
        fields.add(new UserFieldBody("subject", "sneaky"));
        assertThat(keys(withFields("s", "c", customer(), null, null, fields))).containsExactly(
                "validate.ticket.nosuchfield.invalid", "validate.ticket.date.invalid", "validate.ticket.subject.invalid");
    }

    @Test
    void reportsEveryProblemAtOnceInTheVendorShape() {
        var failures = failures(request("", "", new EndUserBody(null, "bad", "A", "x"), null, null));
        assertThat(failures).extracting(ValidationFailure::objectName)
                .containsExactly("subject", "content", "mail", "phone");
        ValidationFailure mail = failures.get(2);
        assertThat(mail.field()).isEqualTo("3");
        assertThat(mail.validate()).isEqualTo("invalid");
        assertThat(mail.rejectValue()).isEqualTo("bad");
    }

    @Test
    void usercodeIsBoundedAndOneLine() {
        assertThat(failures(request("s", "c", endUser("u".repeat(100), "A"), null, null))).isEmpty();
        var tooLong = failures(request("s", "c", endUser("u".repeat(100_000), "A"), null, null));
        assertThat(tooLong).extracting(ValidationFailure::key).containsExactly("validate.ticket.usercode.length");
        assertThat(tooLong.getFirst().field()).isEmpty();
        assertThat(keys(request("s", "c", endUser("u1\r\nBcc: x@example.com", "A"), null, null)))
                .containsExactly("validate.ticket.usercode.invalid");
    }

    @Test
    void languageIsALanguageCode() {
        for (String language : List.of("ko", "en", "zh-CN", "fil")) {
            assertThat(failures(withLanguage(language))).as(language).isEmpty();
        }
        for (String language : List.of("x".repeat(100_000), "KO", "ko_KR", "k", "ko\r\n", "en-", "../ko")) {
            assertThat(keys(withLanguage(language))).as(language).containsExactly("validate.ticket.language.invalid");
        }
    }

    @Test
    void subjectAndNameWithALineBreakAreRefusedNotRepaired() {
        // both reach mail headers: the acknowledgement's subject, the recipient's display name
        var failures = failures(request("Refund\r\nBcc: victim@example.com", "c",
                endUser("u1", "Kim\nBcc: victim@example.com"), null, null));
        assertThat(failures).extracting(ValidationFailure::objectName, ValidationFailure::field, ValidationFailure::validate)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("subject", "5", "invalid"),
                        org.assertj.core.groups.Tuple.tuple("name", "2", "invalid"));
        for (String subject : List.of("a\rb", "a\nb", "a\u0000b", "a\tb", "a\u2028b", "a\u0085b")) {
            assertThat(keys(request(subject, "c", customer(), null, null))).as(subject)
                    .containsExactly("validate.ticket.subject.invalid");
        }
        // the content is many lines by nature
        assertThat(failures(request("s", "line one\r\nline two", customer(), null, null))).isEmpty();
    }

    @Test
    void attachmentIdsMustHaveTheFormOfAnUploadsId() {
        var failures = failures(request("s", "c", customer(),
                List.of(new AttachmentBody("8f0dc5854d2446b6aa2e6e41a0a2f55c"), new AttachmentBody("a".repeat(100_000)),
                        new AttachmentBody("../etc/passwd")), null));
        assertThat(failures).extracting(ValidationFailure::key).containsExactly("validate.ticket.attachment.invalid",
                "validate.ticket.attachment.invalid");
        assertThat(failures).extracting(ValidationFailure::field).containsOnly("9");
        // replies check their files by the same rule
        assertThat(TicketValidator.attachmentFailures(List.of(new AttachmentBody("x".repeat(65)))))
                .extracting(ValidationFailure::key).containsExactly("validate.ticket.attachment.invalid");
        assertThat(TicketValidator.attachmentFailures(Collections.nCopies(6, new AttachmentBody("a"))))
                .extracting(ValidationFailure::key).containsExactly("validate.ticket.attachment.length");
        assertThat(TicketValidator.attachmentFailures(List.of(new AttachmentBody("a"), new AttachmentBody("b")))).isEmpty();
    }

    @Test
    void anUnknownUserFieldCodeThatCannotBeACodeIsNotEchoed() {
        var fields = new ArrayList<>(seedUserFields());
        fields.add(new UserFieldBody("c".repeat(100_000), "x"));
        var failures = failures(withFields("s", "c", customer(), null, null, fields));
        assertThat(failures).extracting(ValidationFailure::key).containsExactly("validate.ticket.userFields.invalid");
        assertThat(failures.getFirst().rejectValue()).isEqualTo("");
    }

    static EndUserBody endUser(String usercode, String name) {
        return new EndUserBody(usercode, "a@example.com", name, null);
    }

    static CreateTicketRequest withLanguage(String language) {
        return new CreateTicketRequest(2542L, "s", "c", customer(), null, null, null, language, null, seedUserFields());
    }

    @Test
    void ticketIdsHaveTheVendorForm() {
        assertThat(TicketIds.next(Clock.systemUTC())).matches("T\\d{13}[A-Za-z]{5}");
    }
}
