package dev.switchboard.account.external;

/** An external account as the NHN API shows it: the password is always {@code ********}. */
public record ExternalAccountView(int id, String name, boolean active, String host, int port, boolean ssl,
                                  String mail, String password, boolean mailDel, long createdDt, long updatedDt) {

    static ExternalAccountView of(ExternalAccount account) {
        return new ExternalAccountView(account.accountId(), account.name(), account.active(), account.host(),
                account.port(), account.ssl(), account.mail(), ExternalAccounts.MASK, account.mailDel(),
                account.createdAt().toEpochMilli(), account.updatedAt().toEpochMilli());
    }
}
