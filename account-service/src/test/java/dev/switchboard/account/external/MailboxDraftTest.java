package dev.switchboard.account.external;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import dev.switchboard.account.external.MailboxDraft.Server;

/** The one rule on when a stored mailbox password may be used again. */
class MailboxDraftTest {

    private static final String MAIL = "support@example.com";
    private static final Server STORED = new Server("imap.example.com", 993, true, MAIL, null);
    private static final Supplier<String> STORED_PASSWORD = () -> "stored-secret";
    private static final Supplier<String> MUST_NOT_OPEN = () -> {
        throw new AssertionError("the stored password was opened for another server");
    };

    @Test
    void theSameServerAndUserReuseTheStoredPassword() {
        assertThat(new Server("imap.example.com", 993, true, null, null).passwordFor(MAIL, STORED, STORED_PASSWORD))
                .isEqualTo("stored-secret");
        assertThat(new Server("IMAP.Example.COM", 993, true, MAIL, ExternalAccounts.MASK)
                .passwordFor(MAIL, STORED, STORED_PASSWORD)).isEqualTo("stored-secret");
        assertThat(new Server("imap.example.com", 993, true, null, " ").passwordFor(MAIL, STORED, STORED_PASSWORD))
                .isEqualTo("stored-secret");
    }

    @Test
    void aNewHostNeedsThePassword() {
        assertThat(new Server("imap.attacker.example", 993, true, null, null).passwordFor(MAIL, STORED, MUST_NOT_OPEN))
                .isNull();
        assertThat(new Server("imap.attacker.example", 993, true, null, ExternalAccounts.MASK)
                .passwordFor(MAIL, STORED, MUST_NOT_OPEN)).isNull();
    }

    @Test
    void aNewPortNeedsThePassword() {
        assertThat(new Server("imap.example.com", 143, true, null, null).passwordFor(MAIL, STORED, MUST_NOT_OPEN))
                .isNull();
    }

    @Test
    void turningTlsOffNeedsThePassword() {
        assertThat(new Server("imap.example.com", 993, false, null, null).passwordFor(MAIL, STORED, MUST_NOT_OPEN))
                .isNull();
    }

    @Test
    void aNewLoginNeedsThePassword() {
        assertThat(new Server("imap.example.com", 993, true, "someone-else", null)
                .passwordFor(MAIL, STORED, MUST_NOT_OPEN)).isNull();
        // no login means the mailbox address: a new address is a new user
        assertThat(new Server("imap.example.com", 993, true, null, null)
                .passwordFor("other@example.com", STORED, MUST_NOT_OPEN)).isNull();
    }

    @Test
    void withoutAStoredServerThePasswordIsRequired() {
        assertThat(new Server("smtp.example.com", 587, false, null, null).passwordFor(MAIL, null, MUST_NOT_OPEN))
                .isNull();
    }

    @Test
    void aGivenPasswordGoesToWhicheverServerItCameWith() {
        assertThat(new Server("imap.new.example", 143, false, "new-user", "new-secret")
                .passwordFor(MAIL, STORED, MUST_NOT_OPEN)).isEqualTo("new-secret");
    }

    @Test
    void anOmittedServerKeepsLoggingInAsTheUserItsPasswordBelongsTo() {
        var account = new ExternalAccount("t:1", "t", 1, "n", "imap.example.com", 993, true, MAIL, null, new byte[0],
                new ExternalAccount.OutgoingServer("smtp.example.com", 465, true, null, new byte[0]), null, null,
                false, true, null, null, null);
        var kept = account.keptIncoming("new@example.com");
        assertThat(kept.user("new@example.com")).isEqualTo(MAIL);
        assertThat(kept.passwordFor("new@example.com", account.incomingServer(), STORED_PASSWORD))
                .isEqualTo("stored-secret");
        assertThat(account.keptOutgoing("new@example.com").login()).isEqualTo(MAIL);
        assertThat(account.keptIncoming(MAIL).login()).isNull();
        assertThat(account.keptOutgoing(MAIL)).isSameAs(account.outgoing());
    }
}
