package dev.switchboard.account.external;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import tools.jackson.databind.JsonNode;

/**
 * Wire bodies of the SuperOffice EMail agent, PascalCase as the WebAPI spells them. Java names are the wire
 * names with a lower-case first letter, so validation messages name the property the client sent.
 */
final class EMailAgentBodies {

    /** AccountStatus values of the WebAPI. */
    static final int STATUS_UNKNOWN = AccountStatus.UNKNOWN.code();

    /** The one authentication type offered: user name and password over the connection. */
    static final String AUTH_TYPE = "password";

    private EMailAgentBodies() {
    }

    /**
     * Credentials of a mail server. {@code ServiceAuthId} is accepted (clients send back what they read) and
     * ignored. TLS follows the port: 993 (IMAP) and 465 (SMTP) are TLS from the start; on other ports the
     * login upgrades with STARTTLS, and a server that does not offer it gets no password in clear.
     */
    record ServiceAuth(@JsonProperty("ServiceAuthId") Integer serviceAuthId,
                       @JsonProperty("Server") @NotBlank @Size(max = 253) String server,
                       @JsonProperty("Port") @NotNull @Min(1) @Max(65535) Integer port,
                       @JsonProperty("AuthType") @Size(max = 40) String authType,
                       @JsonProperty("Username") @Size(max = 254) String username,
                       @JsonProperty("Password") @Size(max = 256) String password) {

        boolean passwordAuth() {
            return authType == null || authType.isBlank() || AUTH_TYPE.equalsIgnoreCase(authType)
                    || "plain".equalsIgnoreCase(authType) || "plain-text".equalsIgnoreCase(authType);
        }

        MailboxDraft.Server server(int tlsPort) {
            return new MailboxDraft.Server(server, port, port == tlsPort,
                    username == null || username.isBlank() ? null : username, password);
        }

        @Override
        public String toString() {
            return "ServiceAuth[" + server + ":" + port + ", " + username + ", Password=********]";
        }
    }

    /**
     * An EMailAccount as sent to SaveEMailAccount. AccountStatus, ErrorCount, ErrorReason and LastFetch are
     * read-only: accepted and ignored, like TableRight and FieldProperties a client read back.
     */
    record EMailAccount(@JsonProperty("EMailAccountId") Integer eMailAccountId,
                        @JsonProperty("EMailAddress") @NotBlank @Size(max = 254)
                        @Email(regexp = "[^@\\s]+@[^@\\s]+\\.[^@\\s]+") String eMailAddress,
                        @JsonProperty("AssociateId") Integer associateId,
                        @JsonProperty("IncomingCredentials") @Valid ServiceAuth incomingCredentials,
                        @JsonProperty("OutgoingCredentials") @Valid ServiceAuth outgoingCredentials,
                        @JsonProperty("AccountStatus") Integer accountStatus,
                        @JsonProperty("ErrorCount") Integer errorCount,
                        @JsonProperty("ErrorReason") String errorReason,
                        @JsonProperty("InboxFolder") @Size(max = 255) String inboxFolder,
                        @JsonProperty("SentFolder") @Size(max = 255) String sentFolder,
                        @JsonProperty("SimpleMode") Integer simpleMode,
                        @JsonProperty("LastFetch") String lastFetch,
                        @JsonProperty("TableRight") JsonNode tableRight,
                        @JsonProperty("FieldProperties") JsonNode fieldProperties) {
    }

    /**
     * The body of AuthenticateIncoming / AuthenticateOutgoing: the credentials to try. With an
     * {@code EMailAccountId} and no (or the masked) password, the stored password of that account is used.
     */
    record AuthenticateRequest(@JsonProperty("EMailAccountId") Integer eMailAccountId,
                               @JsonProperty("EMailAddress") @Size(max = 254) String eMailAddress,
                               @JsonProperty("IncomingCredentials") @Valid ServiceAuth incomingCredentials,
                               @JsonProperty("OutgoingCredentials") @Valid ServiceAuth outgoingCredentials) {
    }

    /** The id parameter of GetEMailAccount and DeleteEMailAccount when it comes in the body. */
    record AccountIdRequest(@JsonProperty("EMailAccountId") Integer eMailAccountId) {
    }

    /** Credentials as answered: the password always masked. */
    record ServiceAuthView(@JsonProperty("Server") String server, @JsonProperty("Port") int port,
                           @JsonProperty("AuthType") String authType, @JsonProperty("Username") String username,
                           @JsonProperty("Password") String password) {
    }

    /** An EMailAccount as answered, with the real fetch health. */
    record EMailAccountView(@JsonProperty("EMailAccountId") int eMailAccountId,
                            @JsonProperty("EMailAddress") String eMailAddress,
                            @JsonProperty("AssociateId") Integer associateId,
                            @JsonProperty("IncomingCredentials") ServiceAuthView incomingCredentials,
                            @JsonProperty("OutgoingCredentials") ServiceAuthView outgoingCredentials,
                            @JsonProperty("AccountStatus") int accountStatus,
                            @JsonProperty("ErrorCount") int errorCount,
                            @JsonProperty("ErrorReason") String errorReason,
                            @JsonProperty("InboxFolder") String inboxFolder,
                            @JsonProperty("SentFolder") String sentFolder,
                            @JsonProperty("SimpleMode") Integer simpleMode,
                            @JsonProperty("LastFetch") String lastFetch,
                            @JsonProperty("TableRight") Object tableRight,
                            @JsonProperty("FieldProperties") Map<String, Object> fieldProperties) {

        static EMailAccountView of(ExternalAccount account) {
            var health = account.healthOrUnknown();
            var details = account.detailsOrNone();
            var out = account.outgoing();
            return new EMailAccountView(account.accountId(), account.mail(), details.associateId(),
                    new ServiceAuthView(account.host(), account.port(), AUTH_TYPE, account.imapLogin(),
                            ExternalAccounts.MASK),
                    out == null ? null : new ServiceAuthView(out.host(), out.port(), AUTH_TYPE,
                            out.login() == null ? account.mail() : out.login(), ExternalAccounts.MASK),
                    health.status(), health.errorCount(), health.errorReason() == null ? "" : health.errorReason(),
                    details.inboxFolder(), details.sentFolder(), details.simpleMode(),
                    health.lastFetch() == null ? null : health.lastFetch().toString(), null, Map.of());
        }
    }
}
