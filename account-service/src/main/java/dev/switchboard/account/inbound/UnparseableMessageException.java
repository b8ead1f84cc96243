package dev.switchboard.account.inbound;

/**
 * A message Switchboard cannot read as mail: it is set aside with this reason, shown to the tenant. The reason
 * names what is wrong, never the message's content.
 */
class UnparseableMessageException extends Exception {

    UnparseableMessageException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
