package dev.switchboard.account.external;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/** Wire bodies of the external (IMAP) account API, named as the vendor names them. */
final class ExternalAccountRequests {

    private ExternalAccountRequests() {
    }

    /**
     * An external account as the vendor sends it to verify and register; the connection fields are checked.
     * {@code importExisting} (Switchboard's, optional) asks the fetcher to import the mail the mailbox already holds;
     * by default it starts from the moment it first watches the mailbox.
     */
    record ExternalAccountBody(Integer id, @Size(max = 20) String name, Boolean active,
                         @NotBlank @Size(max = 253) String host,
                         @NotNull @Min(1) @Max(65535) Integer port,
                         @NotNull Boolean ssl,
                         @NotBlank @Size(max = 254) @Email(regexp = "[^@\\s]+@[^@\\s]+\\.[^@\\s]+") String mail,
                         @Size(max = 256) String password,
                         Boolean mailDel, Boolean importExisting) {

        /** The mailbox this body describes; the NHN API logs in with the address itself. */
        MailboxDraft draft() {
            return new MailboxDraft(name, mail, server(), null, null, mailDel);
        }

        MailboxDraft.Server server() {
            return new MailboxDraft.Server(host, port, ssl, null, password);
        }

        @Override
        public String toString() {
            return "ExternalAccountBody[host=" + host + ", port=" + port + ", ssl=" + ssl + ", mail=" + mail
                    + ", password=********]";
        }
    }
}
