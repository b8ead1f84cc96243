package dev.switchboard.notification.preferences;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * Which mail a tenant's events cause, and in which words: stored per tenant, every field optional (absent is
 * the platform's default: both mails on, the platform's acknowledgement text).
 *
 * @param acknowledgement     whether a new ticket is acknowledged by mail
 * @param acknowledgementTexts the tenant's own acknowledgement text per language ({@code ko}, {@code en}, ...),
 *                             with the placeholders {@code #{name}}, {@code #{ticketId}}, {@code #{subject}} and
 *                             {@code #{inquiry}}; it is text, HTML-escaped like every other mail text
 * @param answer              whether an agent's answer is mailed to the customer
 * @param administratorNotice whether the administrators are told when one of the tenant's mailboxes is disabled
 * @param administrators      the tenant's administrators' addresses
 */
@Document(MailPreferences.COLLECTION)
public record MailPreferences(@Id String serviceId, Boolean acknowledgement, Map<String, String> acknowledgementTexts,
                              Boolean answer, Boolean administratorNotice, List<String> administrators,
                              Instant updatedAt) {

    static final String COLLECTION = "mail_preferences";

    /** What a tenant that never chose gets. */
    public static MailPreferences defaults(String serviceId) {
        return new MailPreferences(serviceId, true, Map.of(), true, true, List.of(), null);
    }

    public boolean acknowledges() {
        return acknowledgement == null || acknowledgement;
    }

    public boolean mailsAnswers() {
        return answer == null || answer;
    }

    /** The addresses the administrators' notice goes to; none when it is off or nobody is named. */
    public List<String> noticeRecipients() {
        return administratorNotice != null && !administratorNotice || administrators == null ? List.of() : administrators;
    }

    /** The tenant's acknowledgement text for the language, or null for the platform's. */
    public String acknowledgementText(String language) {
        return acknowledgementTexts == null ? null : acknowledgementTexts.get(language);
    }
}
