package dev.switchboard.account.external;

/** An external account as the API shows it: the password is always {@code ********}. */
public record ExternalAccountView(int id, String name, boolean active, String host, int port, boolean ssl,
                                  String mail, String password, boolean mailDel, long createdDt, long updatedDt) {
}
