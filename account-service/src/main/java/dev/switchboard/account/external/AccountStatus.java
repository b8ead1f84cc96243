package dev.switchboard.account.external;

/** A mailbox's fetch status as SuperOffice's AccountStatus spells it; NHN views and representative mailboxes use the same codes. */
public enum AccountStatus {
    UNKNOWN(0), DELETED(1), FAILING(2), FAILED(3), OK(4);

    private final int code;

    AccountStatus(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
