package dev.switchboard.account.external;

import java.time.Instant;
import java.util.List;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

import dev.switchboard.platform.outbox.PendingEvent;

/** An external (IMAP) mailbox of a tenant; the password is stored sealed, never in clear. */
@Document(ExternalAccount.COLLECTION)
record ExternalAccount(@Id String mailboxId, String serviceId, int accountId, String name, String host, int port,
                       boolean ssl, String mail, byte[] sealedPassword, boolean mailDel, boolean active,
                       Instant createdAt, Instant updatedAt, List<PendingEvent> pendingEvents) {

    static final String COLLECTION = "external_accounts";

    static String mailboxId(String serviceId, int accountId) {
        return serviceId + ":" + accountId;
    }

    /** Associated data binding a sealed password to its mailbox. */
    static String passwordContext(String mailboxId) {
        return "external-account-password:" + mailboxId;
    }
}
