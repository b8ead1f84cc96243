package dev.switchboard.notification.delivery;

import java.time.Instant;
import java.util.List;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

import dev.switchboard.platform.outbox.PendingEvent;

/**
 * The delivery log and mail queue: one document per mail Switchboard owes, keyed by what caused it (purpose and
 * source), so a redelivered event finds its mail already owed, sent or failed instead of adding another. It
 * keeps the event that caused the mail until the mail is sent (the customer's address inside stays sealed for
 * this service); the recipient is kept masked ({@code e***@example.com}).
 *
 * @param eventType        the Avro type of {@code event}
 * @param event            the triggering event as it came from the topic; dropped once the mail is settled
 * @param eventAt          when the triggering event happened, for the latency analytics sees
 * @param nextAttemptAt    when the delivery is due (again)
 * @param owner            the instance holding (or last holding) the lease of a {@code SENDING} delivery
 * @param leaseUntil       until when that instance alone may send it; only after that may another claim it
 * @param attempts         attempts started, one per lease taken
 * @param attemptStartedAt when the latest of them started
 * @param committingAttempt the attempt that reached SMTP's commit point (the body sent, the final {@code .} about
 *                          to go): if its sender died there, the server may hold the mail, so it is not sent again
 * @param transport        which server the latest attempt used: {@code tenant} or {@code relay}
 */
@Document(Delivery.COLLECTION)
record Delivery(@Id String deliveryId, String serviceId, String ticketId, String purpose, String recipient,
                String messageId, Status status, String eventType, byte[] event, Instant eventAt, String correlationId,
                Instant nextAttemptAt, String owner, Instant leaseUntil, int attempts, Instant attemptStartedAt,
                Integer committingAttempt, String transport, String lastError, Instant createdAt, Instant updatedAt,
                Instant sentAt, List<PendingEvent> pendingEvents) {

    static final String COLLECTION = "deliveries";

    /** This delivery with its lease taken anew: the attempt starts now. */
    Delivery renewed(Instant startedAt, Instant until) {
        return new Delivery(deliveryId, serviceId, ticketId, purpose, recipient, messageId, status, eventType, event,
                eventAt, correlationId, nextAttemptAt, owner, until, attempts, startedAt, committingAttempt, transport,
                lastError, createdAt, startedAt, sentAt, pendingEvents);
    }

    enum Status {
        /** Owed: waiting for its time, or leased to a sender. */
        SENDING,
        SENT,
        /** Permanently undeliverable (a 5xx reply, or retries exhausted); not retried. */
        FAILED
    }
}
