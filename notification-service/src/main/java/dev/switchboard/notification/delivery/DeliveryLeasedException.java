package dev.switchboard.notification.delivery;

import java.time.Instant;

/**
 * A redelivered event found its mail being sent by another consumer (or its lease not yet run out): nothing is
 * sent, and the event is retried later, when the mail is sent or its sender is known to have died.
 */
final class DeliveryLeasedException extends RuntimeException {

    DeliveryLeasedException(String deliveryId, String owner, Instant leaseUntil) {
        super("Delivery " + deliveryId + " is being sent by " + owner + " (lease until " + leaseUntil + "); retry later");
    }

    DeliveryLeasedException(String deliveryId) {
        super("Delivery " + deliveryId + " was taken over by another sender meanwhile; retry later");
    }
}
