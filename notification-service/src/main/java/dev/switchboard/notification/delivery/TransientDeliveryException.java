package dev.switchboard.notification.delivery;

/**
 * A send that may succeed later, so the event is retried. It has no cause on purpose: a {@code MailSendException}
 * and the server replies it keeps repeat the customer's address, and this exception ends up in logs and in the
 * dead-letter topic's headers. It keeps the server's reply masked, the failing class and the SMTP return code.
 */
final class TransientDeliveryException extends RuntimeException {

    TransientDeliveryException(String message) {
        super(message);
    }
}
