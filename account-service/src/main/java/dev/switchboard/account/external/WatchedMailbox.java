package dev.switchboard.account.external;

import java.time.Instant;

/**
 * An active external account as the fetcher watches it: where to log in, never the password (see
 * {@link ExternalAccounts#credentials}).
 *
 * @param user    the IMAP user name
 * @param version changes whenever the account's settings change, so a watcher knows to log in afresh
 */
public record WatchedMailbox(String mailboxId, String serviceId, int accountId, String mail, String host, int port,
                             boolean ssl, String user, boolean mailDel, Instant version) {

    static WatchedMailbox of(ExternalAccount account) {
        return new WatchedMailbox(account.mailboxId(), account.serviceId(), account.accountId(), account.mail(),
                account.host(), account.port(), account.ssl(), account.imapLogin(), account.mailDel(),
                account.updatedAt());
    }

    /**
     * A mailbox's login: its server and the opened password, which never leaves this service.
     *
     * @param active whether the mailbox is still to be fetched (not disabled meanwhile)
     */
    public record Credentials(WatchedMailbox mailbox, String password, boolean active) {
        @Override
        public String toString() {
            return "Credentials[" + mailbox + ", password=********, active=" + active + "]";
        }
    }
}
