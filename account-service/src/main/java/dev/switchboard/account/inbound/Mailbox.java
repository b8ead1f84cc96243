package dev.switchboard.account.inbound;

/**
 * A mailbox the fetcher watches: an active external account, or a representative account's platform mailbox.
 * Two values are equal only when nothing about the login changed, so a changed mailbox gets a fresh watcher.
 *
 * @param accountId the external account id; null for a representative mailbox
 * @param address   the mailbox's own address
 * @param user      the IMAP user name
 * @param version   what changes whenever the mailbox's settings change (its {@code updatedAt})
 */
record Mailbox(String mailboxId, String serviceId, Integer accountId, String address, String host, int port,
               boolean ssl, String user, boolean mailDel, Object version) {

    /** The suffix of a representative mailbox's id: {@code serviceId:representative}. */
    static final String REPRESENTATIVE = "representative";

    boolean representative() {
        return accountId == null;
    }

    /** The kind as metrics and logs name it. */
    String kind() {
        return representative() ? "representative" : "external";
    }

    static String representativeId(String serviceId) {
        return serviceId + ":" + REPRESENTATIVE;
    }

    /**
     * A mailbox with the password to log in with; the password never appears in logs.
     *
     * @param watched whether the mailbox is still to be fetched: false once it was disabled
     */
    record Login(Mailbox mailbox, String password, boolean watched) {
        @Override
        public String toString() {
            return "Login[" + mailbox + ", password=********, watched=" + watched + "]";
        }
    }
}
