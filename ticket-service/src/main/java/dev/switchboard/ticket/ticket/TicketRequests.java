package dev.switchboard.ticket.ticket;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Wire bodies of the ticket API, named as the vendor names them. */
final class TicketRequests {

    private TicketRequests() {
    }

    /** Create Ticket; {@code categoryId} also arrives as a numeric string, which Jackson coerces. */
    record CreateTicketRequest(Long categoryId, String subject, String content, EndUserBody endUser,
                               List<AttachmentBody> attachments, String typeOne, String typeTwo, String language,
                               String source, List<UserFieldBody> userFields) {
    }

    record EndUserBody(String usercode, String email, String username, String phone) {
    }

    record AttachmentBody(String attachmentId) {
    }

    /** A user field value is a string, an array of options or a boolean, depending on the field type. */
    record UserFieldBody(String code, Object value) {
    }

    /**
     * One validation failure in the vendor's shape. A refused text is echoed at most {@link #ECHOED} characters
     * long, so a 100,000-character value does not come back as a 100 KB answer.
     */
    record ValidationFailure(String objectName, String field, String validate, String key, String message,
                             Object rejectValue) {

        static final int ECHOED = 100;

        static ValidationFailure of(String objectName, String field, String validate, Object rejectValue) {
            String key = "validate.ticket." + objectName + "." + validate;
            return new ValidationFailure(objectName, field, validate, key, key, echoed(rejectValue));
        }

        private static Object echoed(Object value) {
            if (value == null) {
                return "";
            }
            if (value instanceof CharSequence text && text.length() > ECHOED) {
                return text.subSequence(0, ECHOED) + "…";
            }
            return value;
        }
    }

    /**
     * A ticket as the vendor returns it. One ticket's detail also shows the customer and the user fields
     * (opened), the channel the ticket came through ({@code source}: web, spweb, api or email) and for a ticket
     * that came by mail its sanitized HTML ({@code htmlContent}, whose {@code cid:} references name the inline
     * attachments by their {@code contentId}); lists and the create response leave them out, so the create response
     * keeps exactly the seed's fields.
     */
    record TicketView(String ticketId, String subject, Long categoryId, String categoryName, String categoryFullName,
                      String status, String statusName, String content, long createdDt, long updatedDt,
                      List<ReplyView> contents, List<AttachmentView> attachments, Long displayDt,
                      @JsonInclude(JsonInclude.Include.NON_NULL) EndUserView endUser,
                      @JsonInclude(JsonInclude.Include.NON_NULL) List<UserFieldView> userFields,
                      @JsonInclude(JsonInclude.Include.NON_NULL) String source,
                      @JsonInclude(JsonInclude.Include.NON_NULL) String htmlContent) {

        /** The create answer: a new ticket has no replies, and the vendor shows {@code contents} as null. */
        TicketView asCreated() {
            return new TicketView(ticketId, subject, categoryId, categoryName, categoryFullName, status, statusName,
                    content, createdDt, updatedDt, null, attachments, displayDt, endUser, userFields, null, null);
        }
    }

    record EndUserView(String usercode, String email, String username, String phone) {
    }

    record UserFieldView(long fieldId, String code, String type, Object value) {
    }

    /**
     * One reply of a ticket: {@code type} answer (agent) or inquiry (the customer's re-inquiry). A reply that came by
     * mail says how it found the ticket ({@code matchedBy}: in-reply-to, references or subject-token) and, in a
     * ticket's detail, its sanitized HTML.
     */
    record ReplyView(String contentId, String type, String content, long createdDt, List<AttachmentView> attachments,
                     @JsonInclude(JsonInclude.Include.NON_NULL) String matchedBy,
                     @JsonInclude(JsonInclude.Include.NON_NULL) String htmlContent) {
    }

    /** Solve (agent answer) and re-inquiry (customer comment) bodies; files as on a new ticket (at most 5). */
    record CommentRequest(@jakarta.validation.constraints.NotBlank
                          @jakarta.validation.constraints.Size(max = 65_535) String comment,
                          List<AttachmentBody> attachments) {
    }

    /**
     * A file of a ticket or reply; {@code disposition} attachment, or inline for an image a mail's HTML shows where
     * it says {@code cid:} and the file's {@code contentId}.
     */
    record AttachmentView(String attachmentId, String fileName, String contentType, String disposition, Long size,
                          Long createdDt, @JsonInclude(JsonInclude.Include.NON_NULL) String contentId) {
    }
}
