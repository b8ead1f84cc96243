package dev.switchboard.ticket.ticket;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.springframework.stereotype.Component;

import dev.switchboard.ticket.category.LanguageCode;
import dev.switchboard.ticket.field.FieldDefinition;
import dev.switchboard.ticket.field.FieldInput;
import dev.switchboard.ticket.field.Form;
import dev.switchboard.ticket.ticket.TicketRequests.AttachmentBody;
import dev.switchboard.ticket.ticket.TicketRequests.CreateTicketRequest;
import dev.switchboard.ticket.ticket.TicketRequests.UserFieldBody;
import dev.switchboard.ticket.ticket.TicketRequests.ValidationFailure;

/**
 * Checks a new ticket against the form of its category and reports every problem at once, in the vendor's
 * failure shape ({@code field} is the field id). System fields keep their hard limits whatever the form says;
 * values that are not form fields (usercode, language, source) are bounded here too. Subject, name and usercode
 * are one line: the subject and the name end up in mail headers (the acknowledgement's subject, the recipient's
 * name), so a line break or another control character in them is refused, not repaired.
 */
@Component
class TicketValidator {

    static final int MAX_SUBJECT = 255;
    static final int MAX_CONTENT = 65_535;
    static final int MAX_ATTACHMENTS = 5;
    /** The member id on the tenant's platform; also the ticket list's filter. */
    static final int MAX_USERCODE = 100;
    /** The system attachment field's id, which failures about files name. */
    static final String ATTACHMENT_FIELD = "9";
    static final Set<String> SOURCES = Set.of("web", "spweb", "api");

    private static final Pattern MAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]{2,}");
    private static final Pattern PHONE = Pattern.compile("[0-9+\\-() ]*");
    /** An unknown "code" that could not even be a field's is not echoed back as one. */
    private static final Pattern FIELD_CODE = Pattern.compile(FieldDefinition.CODE);

    /** What the checks found, and the user field values as they are kept (normalized, in form order). */
    record Outcome(List<ValidationFailure> failures, List<Ticket.UserField> userFields) {
    }

    Outcome validate(CreateTicketRequest request, Form form) {
        var check = new Check(form);
        if (request.categoryId() == null) {
            check.requiredIfShown("category", null);
        } else if (request.categoryId() <= 0 || !form.categoryKnown()) {
            check.fail("category", "invalid", request.categoryId());
        }
        if (check.text("subject", request.subject(), true, MAX_SUBJECT) && !oneLine(request.subject())) {
            check.fail("subject", "invalid", request.subject());
        }
        check.text("content", request.content(), true, MAX_CONTENT);
        var endUser = request.endUser();
        String usercode = endUser == null ? null : endUser.usercode();
        if (usercode != null && usercode.length() > MAX_USERCODE) {
            check.failures.add(ValidationFailure.of("usercode", "", "length", usercode));
        } else if (usercode != null && !oneLine(usercode)) {
            check.failures.add(ValidationFailure.of("usercode", "", "invalid", usercode));
        }
        String email = endUser == null ? null : endUser.email();
        if (check.text("mail", email, true, 254) && !MAIL.matcher(email).matches()) {
            check.fail("mail", "invalid", email);
        }
        // the vendor needs a name to address mail to
        String name = endUser == null ? null : endUser.username();
        if (check.text("name", name, !blank(email), 100) && !oneLine(name)) {
            check.fail("name", "invalid", name);
        }
        String phone = endUser == null ? null : endUser.phone();
        if (check.text("phone", phone, false, 30) && !PHONE.matcher(phone).matches()) {
            check.fail("phone", "invalid", phone);
        }
        check.text("typeOne", request.typeOne(), false, 200);
        check.text("typeTwo", request.typeTwo(), false, 200);
        var attachments = request.attachments();
        if (attachments == null || attachments.isEmpty()) {
            check.requiredIfShown("attachment", null);
        } else {
            check.failures.addAll(attachmentFailures(attachments));
        }
        if (request.language() != null && !request.language().isEmpty() && !LanguageCode.valid(request.language())) {
            check.failures.add(ValidationFailure.of("language", "", "invalid", request.language()));
        }
        if (request.source() != null && !SOURCES.contains(request.source())) {
            check.failures.add(ValidationFailure.of("source", "", "invalid", request.source()));
        }
        return new Outcome(check.failures, userFields(request, form, check));
    }

    /**
     * The files of a ticket or of a reply: at most five, each named by an upload's id (whether the tenant has that
     * upload is checked against its files afterwards).
     */
    static List<ValidationFailure> attachmentFailures(List<AttachmentBody> attachments) {
        if (attachments == null || attachments.isEmpty()) {
            return List.of();
        }
        if (attachments.size() > MAX_ATTACHMENTS) {
            return List.of(fileFailure("length", attachments.size()));
        }
        if (attachments.stream().anyMatch(a -> a == null || blank(a.attachmentId()))) {
            return List.of(fileFailure("invalid", ""));
        }
        return attachments.stream().map(AttachmentBody::attachmentId).filter(id -> !FieldInput.isAttachmentId(id))
                .distinct().map(id -> fileFailure("invalid", id)).toList();
    }

    static ValidationFailure fileFailure(String validate, Object rejected) {
        return ValidationFailure.of("attachment", ATTACHMENT_FIELD, validate, rejected);
    }

    /** Custom fields (and the personal-data consent) arrive by code; every shown one is checked. */
    private static List<Ticket.UserField> userFields(CreateTicketRequest request, Form form, Check check) {
        Map<String, Object> given = new HashMap<>();
        for (UserFieldBody body : request.userFields() == null ? List.<UserFieldBody>of() : request.userFields()) {
            String code = body == null ? null : body.code();
            boolean known = code != null && form.shown().stream()
                    .anyMatch(f -> f.code().equals(code) && (!f.system() || "personalAgree".equals(code)));
            if (!known || given.containsKey(code)) {
                boolean named = code != null && FIELD_CODE.matcher(code).matches();
                check.failures.add(ValidationFailure.of(named ? code : "userFields", "", "invalid",
                        body == null || !named ? "" : body.value()));
            } else {
                given.put(code, body.value());
            }
        }
        List<Ticket.UserField> kept = new ArrayList<>();
        for (FieldDefinition field : form.shown()) {
            if (field.system() && !"personalAgree".equals(field.code())) {
                continue;
            }
            Object raw = given.get(field.code());
            var checked = FieldInput.check(field, raw, request.language());
            if (checked.failed()) {
                check.failures.add(ValidationFailure.of(field.code(), String.valueOf(field.fieldId()),
                        checked.failure(), raw));
            } else if (checked.value() != null) {
                kept.add(new Ticket.UserField(field.fieldId(), field.code(), field.type(), checked.value(),
                        field.encrypt(), null));
            }
        }
        return kept;
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    /** No line break or other control character, the Unicode line and paragraph separators included. */
    static boolean oneLine(String value) {
        return value.codePoints().noneMatch(c -> Character.isISOControl(c) || c == 0x2028 || c == 0x2029);
    }

    /** Collects failures for one request; lengths and required flags come from the system field definitions. */
    private static final class Check {

        private final Form form;
        private final List<ValidationFailure> failures = new ArrayList<>();

        Check(Form form) {
            this.form = form;
        }

        void fail(String code, String validate, Object rejected) {
            failures.add(ValidationFailure.of(code, String.valueOf(form.system(code).fieldId()), validate, rejected));
        }

        void requiredIfShown(String code, Object rejected) {
            FieldDefinition field = form.system(code);
            if (field.required() && form.shows(code)) {
                fail(code, "required", rejected);
            }
        }

        /** Checks presence and length; true when there is a value to check further. */
        boolean text(String code, String value, boolean alwaysRequired, int hardLimit) {
            FieldDefinition field = form.system(code);
            if (blank(value)) {
                if (alwaysRequired || field.required() && form.shows(code)) {
                    fail(code, "required", value);
                }
                return false;
            }
            int limit = field.length() == 0 ? hardLimit : Math.min(field.length(), hardLimit);
            if (value.length() > limit) {
                fail(code, "length", value);
                return false;
            }
            return true;
        }
    }
}
