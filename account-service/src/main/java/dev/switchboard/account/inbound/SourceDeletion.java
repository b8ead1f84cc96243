package dev.switchboard.account.inbound;

import java.time.Duration;
import java.util.Locale;

import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.switchboard.account.external.ImapSessions;
import dev.switchboard.account.external.MailFailure;
import dev.switchboard.events.inbound.InboundEmailHandled;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;

/**
 * Deletes a fetched message from its mailbox once ticket-service handled it (its ticket or reply exists), when the
 * mailbox says {@code mailDel}: moved to Trash where the server has MOVE and a Trash folder, else flagged
 * {@code \Deleted} and expunged (only that UID where the server has UIDPLUS). Only the very message: same folder
 * generation (UIDVALIDITY) and UID; one already gone counts as deleted, so a redelivered event is harmless. Any
 * instance may do it. Blocking network I/O: runs on the Kafka listener thread, never on an event loop.
 */
@Component
class SourceDeletion {

    private static final Logger log = LoggerFactory.getLogger(SourceDeletion.class);
    private static final Duration STORE_TIMEOUT = Duration.ofSeconds(30);

    /** What became of a deletion request. */
    enum Result {
        /** Moved to Trash, or expunged. */
        DELETED,
        /** Not there (any more): deleted before, or by someone else. */
        ALREADY_GONE,
        /** The mailbox keeps fetched mail ({@code mailDel} false), or is a representative mailbox. */
        KEPT,
        /** Nothing became of the message, or the event names no ticket: nothing to delete for. */
        NOT_HANDLED,
        /** The folder was recreated since (another UIDVALIDITY): that UID names another message now. */
        OTHER_GENERATION,
        /** The mailbox no longer exists. */
        NO_MAILBOX,
        /** The server refuses the login or the host: trying again would not help; the message stays. */
        REFUSED
    }

    private final MailboxDirectory directory;
    private final ImapSessions sessions;

    SourceDeletion(MailboxDirectory directory, ImapSessions sessions) {
        this.directory = directory;
        this.sessions = sessions;
    }

    /**
     * Deletes the message the event names, if its mailbox says so.
     *
     * @throws IllegalStateException when the server could not be reached or failed: the listener retries later
     */
    Result onHandled(InboundEmailHandled handled) {
        if (handled.getTicketId() == null) {
            return Result.NOT_HANDLED;
        }
        String mailboxId = handled.getMailboxId();
        Mailbox.Login login = directory.login(mailboxId).block(STORE_TIMEOUT);
        if (login == null) {
            return Result.NO_MAILBOX;
        }
        Mailbox mailbox = login.mailbox();
        if (!mailbox.mailDel() || mailbox.representative()) {
            return Result.KEPT;
        }
        IMAPStore store;
        try {
            store = sessions.connect(mailbox.host(), mailbox.port(), mailbox.ssl(), mailbox.user(), login.password());
        } catch (ImapSessions.LoginFailedException e) {
            MailFailure.Kind kind = e.failure().kind();
            if (kind == MailFailure.Kind.AUTHENTICATION_FAILED || kind == MailFailure.Kind.REFUSED_HOST) {
                log.warn("Mailbox {}: message UID {} is not deleted: {}", mailboxId, handled.getUid(),
                        e.failure().reason());
                return Result.REFUSED;
            }
            throw new IllegalStateException("Deleting from " + mailboxId + " failed: " + e.failure().reason());
        }
        try {
            return delete(store, mailboxId, handled.getUidValidity(), handled.getUid());
        } catch (MessagingException e) {
            throw new IllegalStateException("Deleting from " + mailboxId + " failed: "
                    + MailFailure.of(e, mailbox.host(), mailbox.port()).reason());
        } finally {
            try {
                store.close();
            } catch (MessagingException alreadyClosed) {
                // done either way
            }
        }
    }

    private static Result delete(IMAPStore store, String mailboxId, long uidValidity, long uid)
            throws MessagingException {
        IMAPFolder inbox = (IMAPFolder) store.getFolder("INBOX");
        // read-write only here: the fetcher itself never changes a mailbox
        inbox.open(Folder.READ_WRITE);
        try {
            if (inbox.getUIDValidity() != uidValidity) {
                log.info("Mailbox {}: UID {} of UIDVALIDITY {} is not deleted, the folder is now {}", mailboxId, uid,
                        uidValidity, inbox.getUIDValidity());
                return Result.OTHER_GENERATION;
            }
            Message message = inbox.getMessageByUID(uid);
            if (message == null || message.isExpunged()) {
                return Result.ALREADY_GONE;
            }
            Folder trash = store.hasCapability("MOVE") ? trash(store) : null;
            if (trash != null) {
                inbox.moveUIDMessages(new Message[] {message}, trash);
            } else {
                message.setFlag(Flags.Flag.DELETED, true);
                if (store.hasCapability("UIDPLUS")) {
                    // UID EXPUNGE: only this message, not others a user flagged \Deleted
                    inbox.expunge(new Message[] {message});
                } else {
                    inbox.expunge();
                }
            }
            return Result.DELETED;
        } finally {
            if (inbox.isOpen()) {
                inbox.close(false);
            }
        }
    }

    /** The folder marked {@code \Trash} (RFC 6154), else one named Trash; null when there is none. */
    private static Folder trash(IMAPStore store) throws MessagingException {
        Folder named = null;
        for (Folder folder : store.getDefaultFolder().list("*")) {
            if (folder instanceof IMAPFolder imap) {
                for (String attribute : imap.getAttributes()) {
                    if ("\\Trash".equalsIgnoreCase(attribute)) {
                        return folder;
                    }
                }
            }
            if (named == null && "trash".equals(folder.getName().toLowerCase(Locale.ROOT))) {
                named = folder;
            }
        }
        return named;
    }
}
