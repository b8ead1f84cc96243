package dev.switchboard.account.inbound;

import java.time.Instant;

/**
 * One message as the fetcher read it from a tenant's mailbox: where it came from, exactly (mailbox, UIDVALIDITY,
 * UID), and its raw RFC 5322 bytes.
 *
 * @param mailboxId      {@code serviceId:accountId}, or {@code serviceId:representative} for the representative
 *                       account's platform mailbox
 * @param accountId      the external account id; null for the representative account
 * @param mailboxAddress the mailbox's address (its own, not the message's recipients)
 * @param raw            the message as the server holds it
 */
record FetchedMessage(String serviceId, String mailboxId, Integer accountId, String mailboxAddress, long uidValidity,
                      long uid, byte[] raw, Instant fetchedAt) {

    /** The one key of this message: the same mailbox, folder generation and UID is the same message. */
    String key() {
        return mailboxId + ":" + uidValidity + ":" + uid;
    }

    /**
     * Whether the message was larger than {@code maxMessageSize}: the fetcher then hands it over without its bytes
     * ({@code raw} is null), to be set aside with that reason rather than downloaded.
     */
    boolean oversize() {
        return raw == null;
    }
}
