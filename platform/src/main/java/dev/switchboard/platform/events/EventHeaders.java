package dev.switchboard.platform.events;

/** Kafka record headers every Switchboard event carries. */
public final class EventHeaders {

    /** Full Avro name of the event type, e.g. {@code dev.switchboard.events.ticket.TicketCreated}. */
    public static final String TYPE = "sb-event-type";
    /** The event id, repeated from the metadata for consumers that only read headers. */
    public static final String ID = "sb-event-id";
    /** The serviceId (tenant) of the event. */
    public static final String TENANT = "sb-service-id";

    private EventHeaders() {
    }
}
