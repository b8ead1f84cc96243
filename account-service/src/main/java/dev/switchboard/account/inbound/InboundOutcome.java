package dev.switchboard.account.inbound;

/**
 * What became of a fetched message, durably recorded before it is answered: the fetcher moves past the message
 * only then.
 *
 * @param reason why it was ignored or set aside; null when published
 */
record InboundOutcome(Kind kind, String reason) {

    enum Kind {
        /** {@code InboundEmailReceived} is recorded for publishing (the outbox relays it). */
        PUBLISHED,
        /** The same message (mailbox, UIDVALIDITY, UID) or the same Message-ID for the tenant was handled before. */
        DUPLICATE,
        /** Loop and noise protection: an auto-reply, a bounce, bulk or list mail, our own mail, a sender over its rate. */
        IGNORED,
        /** The message cannot be parsed or stored; kept with its reason for the tenant to see, never blocks the next. */
        SET_ASIDE
    }
}
