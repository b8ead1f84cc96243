package dev.switchboard.ticket.ticket;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import org.springframework.stereotype.Component;

import dev.switchboard.ticket.ticket.TicketRequests.CreateTicketRequest;
import dev.switchboard.ticket.ticket.TicketRequests.ValidationFailure;

/**
 * Checks a new ticket's system fields and reports every problem at once, in the vendor's failure shape.
 * Field ids are those of the system fields; custom fields are checked against their definitions.
 */
@Component
class TicketValidator {

    static final int MAX_SUBJECT = 255;
    static final int MAX_CONTENT = 65_535;
    static final int MAX_NAME = 100;
    static final int MAX_PHONE = 20;
    static final int MAX_ATTACHMENTS = 5;
    static final Set<String> SOURCES = Set.of("web", "spweb", "api");

    private static final Pattern MAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]{2,}");
    private static final Pattern PHONE = Pattern.compile("[0-9+\\-() ]*");

    List<ValidationFailure> validate(CreateTicketRequest request) {
        List<ValidationFailure> failures = new ArrayList<>();
        if (request.subject() == null || request.subject().isBlank()) {
            failures.add(ValidationFailure.of("subject", SystemField.SUBJECT.id(), "required", request.subject()));
        } else if (request.subject().length() > MAX_SUBJECT) {
            failures.add(ValidationFailure.of("subject", SystemField.SUBJECT.id(), "length", request.subject()));
        }
        if (request.content() == null || request.content().isBlank()) {
            failures.add(ValidationFailure.of("content", SystemField.CONTENT.id(), "required", request.content()));
        } else if (request.content().length() > MAX_CONTENT) {
            failures.add(ValidationFailure.of("content", SystemField.CONTENT.id(), "length", ""));
        }
        var endUser = request.endUser();
        if (endUser == null || blank(endUser.email())) {
            failures.add(ValidationFailure.of("mail", SystemField.MAIL.id(), "required", ""));
        } else if (endUser.email().length() > 254 || !MAIL.matcher(endUser.email()).matches()) {
            failures.add(ValidationFailure.of("mail", SystemField.MAIL.id(), "invalid", endUser.email()));
        }
        if (endUser != null && !blank(endUser.email()) && blank(endUser.username())) {
            failures.add(ValidationFailure.of("name", SystemField.NAME.id(), "required", ""));
        } else if (endUser != null && endUser.username() != null && endUser.username().length() > MAX_NAME) {
            failures.add(ValidationFailure.of("name", SystemField.NAME.id(), "length", endUser.username()));
        }
        if (endUser != null && endUser.phone() != null) {
            if (endUser.phone().length() > MAX_PHONE) {
                failures.add(ValidationFailure.of("phone", SystemField.PHONE.id(), "length", endUser.phone()));
            } else if (!PHONE.matcher(endUser.phone()).matches()) {
                failures.add(ValidationFailure.of("phone", SystemField.PHONE.id(), "invalid", endUser.phone()));
            }
        }
        if (request.attachments() != null && request.attachments().size() > MAX_ATTACHMENTS) {
            failures.add(ValidationFailure.of("attachment", SystemField.ATTACHMENT.id(), "length",
                    request.attachments().size()));
        } else if (request.attachments() != null && request.attachments().stream()
                .anyMatch(a -> a == null || blank(a.attachmentId()))) {
            failures.add(ValidationFailure.of("attachment", SystemField.ATTACHMENT.id(), "invalid", ""));
        }
        if (request.source() != null && !SOURCES.contains(request.source())) {
            failures.add(ValidationFailure.of("source", SystemField.SOURCE.id(), "invalid", request.source()));
        }
        if (request.categoryId() != null && request.categoryId() <= 0) {
            failures.add(ValidationFailure.of("category", SystemField.CATEGORY.id(), "invalid", request.categoryId()));
        }
        return failures;
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    /** System fields and their ids, as the failure shape's {@code field} reports them. */
    enum SystemField {
        CATEGORY("1"), NAME("2"), MAIL("3"), PHONE("4"), SUBJECT("5"), CONTENT("6"), ATTACHMENT("7"),
        TYPE_ONE("8"), TYPE_TWO("9"), PERSONAL_AGREE("10"), SOURCE("11");

        private final String id;

        SystemField(String id) {
            this.id = id;
        }

        String id() {
            return id;
        }
    }
}
