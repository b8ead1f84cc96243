package dev.switchboard.account.inbound;

import java.time.Duration;

/** The wait before the next attempt at a failing mailbox: {@code initial}, doubling with each further failure, at most {@code max}. */
record FetchBackoff(Duration initial, Duration max) {

    /** @param consecutiveFailures failures since the last success, at least 1 */
    Duration delay(int consecutiveFailures) {
        Duration delay = initial;
        for (int i = 1; i < consecutiveFailures && delay.compareTo(max) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(max) > 0 ? max : delay;
    }
}
