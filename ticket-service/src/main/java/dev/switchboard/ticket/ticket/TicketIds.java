package dev.switchboard.ticket.ticket;

import java.security.SecureRandom;
import java.time.Clock;

/** Ticket ids in the vendor's form: {@code T} + epoch millis + 5 random letters. */
final class TicketIds {

    private static final String LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final SecureRandom RANDOM = new SecureRandom();

    private TicketIds() {
    }

    static String next(Clock clock) {
        StringBuilder id = new StringBuilder("T").append(clock.millis());
        for (int i = 0; i < 5; i++) {
            id.append(LETTERS.charAt(RANDOM.nextInt(LETTERS.length())));
        }
        return id.toString();
    }
}
