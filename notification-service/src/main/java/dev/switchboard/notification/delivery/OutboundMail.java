package dev.switchboard.notification.delivery;

import java.util.List;

/**
 * A mail ready to be sent: who from, to whom, what, and the ids that make it traceable.
 *
 * @param deliveryId  natural key of the delivery, e.g. {@code ticket-ack:<ticketId>}
 * @param purpose     why it is sent
 * @param replyTo     where the customer's answer should go (the tenant's representative account), or null
 * @param autoSubmitted RFC 3834 value for automatic mail ({@code auto-replied}), or null for a person's answer
 * @param inReplyTo   the Message-ID this mail answers (RFC 5322 In-Reply-To and References), or null
 * @param files       files the mail carries
 */
record OutboundMail(String deliveryId, String serviceId, String ticketId, String purpose, String fromName,
                    String fromMail, String replyTo, String toName, String toMail, String subject, String text,
                    String html, String messageId, String autoSubmitted, String inReplyTo,
                    List<ReplyFiles.MailFile> files, String correlationId) {
}
