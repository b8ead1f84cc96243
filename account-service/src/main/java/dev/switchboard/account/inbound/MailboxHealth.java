package dev.switchboard.account.inbound;

import java.time.Duration;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.switchboard.account.external.ExternalAccounts;
import dev.switchboard.account.external.MailFailure;

/**
 * Keeps a mailbox's fetch health after each attempt: on the external account (shown by SuperOffice's
 * GetEMailAccount and NHN's mail.json), which is disabled after {@code disableAfterFailures} consecutive
 * failures; for a representative mailbox in its fetch state, never disabled. Blocking: called on the mailbox's
 * own virtual thread.
 */
final class MailboxHealth {

    private static final Logger log = LoggerFactory.getLogger(MailboxHealth.class);
    private static final Duration STORE_TIMEOUT = Duration.ofSeconds(30);

    private final ExternalAccounts accounts;
    private final MailboxStates states;
    private final FetchMetrics metrics;
    private final int disableAfter;

    MailboxHealth(ExternalAccounts accounts, MailboxStates states, FetchMetrics metrics, int disableAfter) {
        this.accounts = accounts;
        this.states = states;
        this.metrics = metrics;
        this.disableAfter = disableAfter;
    }

    void succeeded(Mailbox mailbox, long epoch, Instant at) {
        if (mailbox.representative()) {
            states.fetchSucceeded(mailbox.mailboxId(), epoch, at).block(STORE_TIMEOUT);
        } else {
            accounts.fetchSucceeded(mailbox.mailboxId(), at).block(STORE_TIMEOUT);
        }
    }

    /**
     * Counts a failed attempt.
     *
     * @return failures since the last success, and whether the mailbox is now disabled
     */
    ExternalAccounts.FailureCount failed(Mailbox mailbox, long epoch, MailFailure failure) {
        if (mailbox.representative()) {
            metrics.failed(failure);
            Integer count = states.fetchFailed(mailbox.mailboxId(), epoch, failure.reason()).block(STORE_TIMEOUT);
            int consecutive = count == null ? 1 : count;
            log.warn("Fetching representative mailbox {} failed ({} in a row): {}", mailbox.mailboxId(), consecutive,
                    failure.reason());
            return new ExternalAccounts.FailureCount(consecutive, false);
        }
        var count = accounts.fetchFailed(mailbox.mailboxId(), failure, disableAfter).block(STORE_TIMEOUT);
        if (count == null) {
            // disabled or deleted meanwhile: nothing more to fetch, and not a failure of a watched mailbox
            return new ExternalAccounts.FailureCount(disableAfter, true);
        }
        metrics.failed(failure);
        if (!count.disabled()) {
            log.warn("Fetching mailbox {} failed ({} in a row): {}", mailbox.mailboxId(), count.consecutive(),
                    failure.reason());
        }
        return count;
    }
}
