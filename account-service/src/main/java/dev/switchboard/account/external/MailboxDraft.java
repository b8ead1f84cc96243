package dev.switchboard.account.external;

/**
 * What a dialect asks a mailbox to become, in the model's terms. On an edit, a null {@code outgoing} or
 * {@code details} keeps what is stored, and so does a null password.
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
     * @param password null (or the mask a client read back) keeps the stored one
     */
    record Server(String host, int port, boolean ssl, String login, String password) {

        @Override
        public String toString() {
            return "Server[" + host + ":" + port + ", ssl=" + ssl + ", login=" + login + ", password=********]";
        }
    }
}
