package dev.switchboard.account.external;

import java.time.Instant;
import java.util.List;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

import dev.switchboard.platform.outbox.PendingEvent;

/**
 * An inbound mailbox of a tenant: an NHN "external account" and a SuperOffice e-mail account are the same
 * document. Passwords are stored sealed, never in clear.
 *
 * @param login         IMAP user name; null means the mailbox address
 * @param outgoing      the SMTP server replies from this mailbox go through, if one is set
 * @param details       what only the SuperOffice dialect shows (owner, folders, simple mode)
 * @param health        fetch health kept by the fetcher; null until it first ran
 */
@Document(ExternalAccount.COLLECTION)
record ExternalAccount(@Id String mailboxId, String serviceId, int accountId, String name, String host, int port,
                       boolean ssl, String mail, String login, byte[] sealedPassword, OutgoingServer outgoing,
                       Details details, FetchHealth health, boolean mailDel, boolean active,
                       Instant createdAt, Instant updatedAt, List<PendingEvent> pendingEvents) {

    static final String COLLECTION = "external_accounts";

    /** SMTP server of a mailbox; the password is sealed bound to the mailbox like the IMAP one. */
    record OutgoingServer(String host, int port, boolean ssl, String login, byte[] sealedPassword) {
    }

    /** SuperOffice's descriptive fields, kept as given. */
    record Details(Integer associateId, String inboxFolder, String sentFolder, Integer simpleMode) {
        static final Details NONE = new Details(null, null, null, null);
    }

    /**
     * Fetch health as SuperOffice reports it: {@code status} Unknown 0, Deleted 1, Failing 2, Failed 3, Ok 4;
     * consecutive failures since the last success and the last failure's reason.
     */
    record FetchHealth(int status, int errorCount, String errorReason, Instant lastFetch) {
        static final int STATUS_UNKNOWN = AccountStatus.UNKNOWN.code();
        static final int STATUS_FAILING = AccountStatus.FAILING.code();
        static final int STATUS_FAILED = AccountStatus.FAILED.code();
        static final int STATUS_OK = AccountStatus.OK.code();
        static final FetchHealth UNKNOWN = new FetchHealth(STATUS_UNKNOWN, 0, "", null);

        static FetchHealth ok(Instant at) {
            return new FetchHealth(STATUS_OK, 0, "", at);
        }
    }

    static String mailboxId(String serviceId, int accountId) {
        return serviceId + ":" + accountId;
    }

    /** Associated data binding a sealed password to its mailbox. */
    static String passwordContext(String mailboxId) {
        return "external-account-password:" + mailboxId;
    }

    /** Associated data binding a sealed SMTP password to its mailbox. */
    static String outgoingPasswordContext(String mailboxId) {
        return "external-account-smtp-password:" + mailboxId;
    }

    String imapLogin() {
        return login == null ? mail : login;
    }

    /** The IMAP server as stored, its login spelled out: the one login its stored password may be used for. */
    MailboxDraft.Server incomingServer() {
        return new MailboxDraft.Server(host, port, ssl, imapLogin(), null);
    }

    /** The SMTP server as stored, its login spelled out, or null when the mailbox has none. */
    MailboxDraft.Server outgoingServer() {
        return outgoing == null ? null : new MailboxDraft.Server(outgoing.host(), outgoing.port(), outgoing.ssl(),
                outgoing.login() == null ? mail : outgoing.login(), null);
    }

    /**
     * The IMAP server as an edit that omits it keeps it. A null login meant the mailbox address; when the
     * address changes, the server keeps logging in as the old one, the user its password belongs to.
     */
    MailboxDraft.Server keptIncoming(String newMail) {
        return new MailboxDraft.Server(host, port, ssl, login == null && !mail.equals(newMail) ? mail : login, null);
    }

    /** The SMTP server as an edit that omits it keeps it, its user pinned as in {@link #keptIncoming}. */
    OutgoingServer keptOutgoing(String newMail) {
        if (outgoing == null || outgoing.login() != null || mail.equals(newMail)) {
            return outgoing;
        }
        return new OutgoingServer(outgoing.host(), outgoing.port(), outgoing.ssl(), mail, outgoing.sealedPassword());
    }

    FetchHealth healthOrUnknown() {
        return health == null ? FetchHealth.UNKNOWN : health;
    }

    Details detailsOrNone() {
        return details == null ? Details.NONE : details;
    }
}
