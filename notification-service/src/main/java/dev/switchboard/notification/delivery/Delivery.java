package dev.switchboard.notification.delivery;

import java.time.Instant;
import java.util.List;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

import dev.switchboard.platform.outbox.PendingEvent;

/**
 * The delivery log: one document per mail Switchboard owes, keyed by what caused it (purpose and
 * source), so a redelivered event finds its mail already sent instead of sending another. The recipient is
 * kept masked ({@code e***@example.com}): the address itself lives sealed in ticket-service.
 *
 * @param owner            the instance holding (or last holding) the lease of a {@code SENDING} delivery
 * @param leaseUntil       until when that instance alone may send it; only after that may another take it over
 * @param attempts         sends started, one per lease taken
 * @param attemptStartedAt when the latest of them started
 * @param committingAttempt the attempt that reached SMTP's commit point (the body sent, the final {@code .} about
 *                          to go): if its sender died there, the server may hold the mail, so it is not sent again
 */
@Document(Delivery.COLLECTION)
record Delivery(@Id String deliveryId, String serviceId, String ticketId, String purpose, String recipient,
                String messageId, Status status, String owner, Instant leaseUntil, int attempts,
                Instant attemptStartedAt, Integer committingAttempt, String lastError, Instant createdAt,
                Instant updatedAt, List<PendingEvent> pendingEvents) {

    static final String COLLECTION = "deliveries";

    enum Status {
        /** Leased to a sender; sending, or a previous attempt failed transiently and the event will come again. */
        SENDING,
        SENT,
        /** Permanently undeliverable (e.g. the recipient was rejected); not retried. */
        FAILED
    }
}
