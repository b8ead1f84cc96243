package dev.switchboard.account.external;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * What a dialect asks a mailbox to become, in the model's terms. On an edit, a null {@code outgoing} or
 * {@code details} keeps what is stored, and so does a null password as long as the server stays the same
 * (see {@link Server#passwordFor}).
 *
 * @param name     1-20 characters
 * @param mailDel  delete fetched mail once its ticket exists; null keeps the stored choice (false when new)
 */
record MailboxDraft(String name, String mail, Server incoming, Server outgoing,
                    ExternalAccount.Details details, Boolean mailDel) {

    /**
     * A mail server login.
     *
     * @param login    user name; null means the mailbox address
     * @param password null (or the mask a client read back) asks for the stored one
     */
    record Server(String host, int port, boolean ssl, String login, String password) {

        /** Whether a password came with this server; a missing, blank or masked one did not. */
        boolean hasPassword() {
            return password != null && !password.isBlank() && !ExternalAccounts.MASK.equals(password);
        }

        /** The user name this server logs in with: its login, else the mailbox address. */
        String user(String mail) {
            return login == null ? mail : login;
        }

        /**
         * The password to log in to this server with: the one given, else the stored one, but the stored one
         * only for the very server and user it was stored for (host, port, TLS and user name all unchanged).
         * Otherwise a caller who changes the host could make Switchboard hand a stored password to a server
         * of the caller's choosing. This is the one place that decides it, for every dialect and operation.
         *
         * @param mail           the mailbox address, the user name when this server names no login
         * @param stored         the server the stored password belongs to, its login spelled out; null if none
         * @param storedPassword opens the stored password; asked only when it may be used
         * @return the password, or null when one is required: the caller answers that as a validation error
         */
        String passwordFor(String mail, Server stored, Supplier<String> storedPassword) {
            if (hasPassword()) {
                return password;
            }
            return stored != null && sameLoginAs(mail, stored) ? storedPassword.get() : null;
        }

        /** Same host (names are case-insensitive), port, TLS setting and user name. */
        private boolean sameLoginAs(String mail, Server stored) {
            return host != null && host.equalsIgnoreCase(stored.host) && port == stored.port && ssl == stored.ssl
                    && Objects.equals(user(mail), stored.login);
        }

        @Override
        public String toString() {
            return "Server[" + host + ":" + port + ", ssl=" + ssl + ", login=" + login + ", password=********]";
        }
    }
}
