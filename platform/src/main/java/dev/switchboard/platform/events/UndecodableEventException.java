package dev.switchboard.platform.events;

/** A record that can never be decoded; it goes to the dead-letter topic without retries. */
public class UndecodableEventException extends RuntimeException {

    public UndecodableEventException(String message) {
        super(message);
    }
}
