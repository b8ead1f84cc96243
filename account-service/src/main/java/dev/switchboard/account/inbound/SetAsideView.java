package dev.switchboard.account.inbound;

/**
 * A message that did not become a ticket, as the tenant sees it in {@code mail/inbound/setaside.json}.
 *
 * @param accountId  the external account; null for the representative account's mailbox
 * @param status     {@code SET_ASIDE} (cannot be read or stored) or {@code IGNORED} (automatic mail, a loop, a
 *                   sender over its rate)
 * @param subject    the decoded subject; null when the message could not be read
 * @param receivedDt when it was fetched, epoch milliseconds
 */
record SetAsideView(String mailboxId, Integer accountId, long uidValidity, long uid, String status, String reason,
                    String subject, long receivedDt) {

    static SetAsideView of(InboundMessage message) {
        return new SetAsideView(message.mailboxId(), message.accountId(), message.uidValidity(), message.uid(),
                message.status().name(), message.reason(), message.subject(),
                message.receivedAt() == null ? 0 : message.receivedAt().toEpochMilli());
    }
}
