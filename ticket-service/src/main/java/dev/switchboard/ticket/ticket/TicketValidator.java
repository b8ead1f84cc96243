package dev.switchboard.ticket.ticket;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.springframework.stereotype.Component;

import dev.switchboard.ticket.field.FieldDefinition;
import dev.switchboard.ticket.field.FieldInput;
import dev.switchboard.ticket.field.Form;
import dev.switchboard.ticket.ticket.TicketRequests.CreateTicketRequest;
import dev.switchboard.ticket.ticket.TicketRequests.UserFieldBody;
import dev.switchboard.ticket.ticket.TicketRequests.ValidationFailure;

/**
 * Checks a new ticket against the form of its category and reports every problem at once, in the vendor's
 * failure shape ({@code field} is the field id). System fields keep their hard limits whatever the form says.
 */
@Component
class TicketValidator {

    static final int MAX_SUBJECT = 255;
    static final int MAX_CONTENT = 65_535;
    static final int MAX_ATTACHMENTS = 5;
    /** The system attachment field's id, which failures about files name. */
    static final String ATTACHMENT_FIELD = "9";
    static final Set<String> SOURCES = Set.of("web", "spweb", "api");

    private static final Pattern MAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]{2,}");
    private static final Pattern PHONE = Pattern.compile("[0-9+\\-() ]*");

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
        check.text("subject", request.subject(), true, MAX_SUBJECT);
        check.text("content", request.content(), true, MAX_CONTENT);
        var endUser = request.endUser();
        String email = endUser == null ? null : endUser.email();
        if (check.text("mail", email, true, 254) && !MAIL.matcher(email).matches()) {
            check.fail("mail", "invalid", email);
        }
        // the vendor needs a name to address mail to
        check.text("name", endUser == null ? null : endUser.username(), !blank(email), 100);
        String phone = endUser == null ? null : endUser.phone();
        if (check.text("phone", phone, false, 30) && !PHONE.matcher(phone).matches()) {
            check.fail("phone", "invalid", phone);
        }
        check.text("typeOne", request.typeOne(), false, 200);
        check.text("typeTwo", request.typeTwo(), false, 200);
        var attachments = request.attachments();
        if (attachments == null || attachments.isEmpty()) {
            check.requiredIfShown("attachment", null);
        } else if (attachments.size() > MAX_ATTACHMENTS) {
            check.fail("attachment", "length", attachments.size());
        } else if (attachments.stream().anyMatch(a -> a == null || blank(a.attachmentId()))) {
            check.fail("attachment", "invalid", "");
        }
        if (request.source() != null && !SOURCES.contains(request.source())) {
            check.failures.add(ValidationFailure.of("source", "", "invalid", request.source()));
        }
        return new Outcome(check.failures, userFields(request, form, check));
    }

    /** Custom fields (and the personal-data consent) arrive by code; every shown one is checked. */
    private static List<Ticket.UserField> userFields(CreateTicketRequest request, Form form, Check check) {
        Map<String, Object> given = new HashMap<>();
        for (UserFieldBody body : request.userFields() == null ? List.<UserFieldBody>of() : request.userFields()) {
            String code = body == null ? null : body.code();
            boolean known = code != null && form.shown().stream()
                    .anyMatch(f -> f.code().equals(code) && (!f.system() || "personalAgree".equals(code)));
            if (!known || given.containsKey(code)) {
                check.failures.add(ValidationFailure.of(code == null ? "userFields" : code, "", "invalid",
                        body == null ? "" : body.value()));
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
