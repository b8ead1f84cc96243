package dev.switchboard.account.external;

/**
 * An external account as the NHN API shows it: the password is always {@code ********}. The fetch health is the
 * one the SuperOffice dialect shows: {@code accountStatus} Unknown 0, Failing 2, Failed 3, Ok 4, the consecutive
 * failures, the last failure's reason and the last successful fetch (epoch milliseconds, null before the first).
 */
public record ExternalAccountView(int id, String name, boolean active, String host, int port, boolean ssl,
                                  String mail, String password, boolean mailDel, long createdDt, long updatedDt,
                                  int accountStatus, int errorCount, String errorReason, Long lastFetchDt) {

    static ExternalAccountView of(ExternalAccount account) {
        var health = account.healthOrUnknown();
        return new ExternalAccountView(account.accountId(), account.name(), account.active(), account.host(),
                account.port(), account.ssl(), account.mail(), ExternalAccounts.MASK, account.mailDel(),
                account.createdAt().toEpochMilli(), account.updatedAt().toEpochMilli(), health.status(),
                health.errorCount(), health.errorReason() == null ? "" : health.errorReason(),
                health.lastFetch() == null ? null : health.lastFetch().toEpochMilli());
    }
}
