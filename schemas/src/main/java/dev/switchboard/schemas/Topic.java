package dev.switchboard.schemas;

import java.util.List;

import org.apache.avro.specific.SpecificRecord;

import dev.switchboard.events.attachment.AttachmentDeleted;
import dev.switchboard.events.attachment.AttachmentUploaded;
import dev.switchboard.events.category.CategoryChanged;
import dev.switchboard.events.category.CategoryDeleted;
import dev.switchboard.events.inbound.InboundEmailHandled;
import dev.switchboard.events.inbound.InboundEmailReceived;
import dev.switchboard.events.mail.MailSettingsChanged;
import dev.switchboard.events.mailbox.ExternalAccountDeleted;
import dev.switchboard.events.mailbox.ExternalAccountDisabled;
import dev.switchboard.events.mailbox.ExternalAccountEnabled;
import dev.switchboard.events.mailbox.ExternalAccountRegistered;
import dev.switchboard.events.mailbox.ExternalAccountUpdated;
import dev.switchboard.events.notification.EmailFailed;
import dev.switchboard.events.notification.EmailSent;
import dev.switchboard.events.tenant.TenantChanged;
import dev.switchboard.events.ticket.CustomerReplied;
import dev.switchboard.events.ticket.TicketCreated;
import dev.switchboard.events.ticket.TicketReplied;
import dev.switchboard.events.ticket.TicketStatusChanged;

/**
 * The one catalogue of Switchboard topics: name, partition count, clean-up policy, what the key is
 * and which events travel on it. Services refer to these constants, never to topic-name strings.
 */
public enum Topic {

    /** Tenant snapshots keyed by serviceId; compacted, so the latest record is the tenant's state. */
    TENANT_SETTINGS("switchboard.tenant.settings", 3, true, "serviceId", List.of(TenantChanged.class)),

    /** Sender settings snapshots keyed by serviceId; compacted. */
    MAIL_SETTINGS("switchboard.mail.settings", 3, true, "serviceId", List.of(MailSettingsChanged.class)),

    /** External mailbox life cycle keyed by mailbox id ({@code serviceId:accountId}). */
    MAILBOX_EVENTS("switchboard.mailbox.events", 6, false, "mailboxId", List.of(ExternalAccountRegistered.class,
            ExternalAccountUpdated.class, ExternalAccountEnabled.class, ExternalAccountDisabled.class, ExternalAccountDeleted.class)),

    /** Changes of a tenant's category tree keyed by serviceId, so one tree's changes stay ordered. */
    CATEGORY_EVENTS("switchboard.category.events", 3, false, "serviceId",
            List.of(CategoryChanged.class, CategoryDeleted.class)),

    /** Ticket life cycle keyed by ticketId, so everything about one ticket stays ordered. */
    TICKET_EVENTS("switchboard.ticket.events", 6, false, "ticketId", List.of(TicketCreated.class,
            TicketReplied.class, CustomerReplied.class, TicketStatusChanged.class)),

    /** Stored files keyed by attachmentId. */
    ATTACHMENT_EVENTS("switchboard.attachment.events", 6, false, "attachmentId",
            List.of(AttachmentUploaded.class, AttachmentDeleted.class)),

    /**
     * Mail fetched from tenants' mailboxes and what became of it, keyed by mailbox id, so one mailbox's messages
     * stay in the order they were fetched.
     */
    MAIL_INBOUND("switchboard.mail.inbound", 6, false, "mailboxId",
            List.of(InboundEmailReceived.class, InboundEmailHandled.class)),

    /** Outcome of every outbound mail keyed by delivery id. */
    NOTIFICATION_EVENTS("switchboard.notification.events", 3, false, "deliveryId",
            List.of(EmailSent.class, EmailFailed.class));

    /** Suffix of the dead-letter topic that sits beside every topic with the same partition count. */
    public static final String DEAD_LETTER_SUFFIX = ".DLT";

    private final String topicName;
    private final int partitions;
    private final boolean compacted;
    private final String key;
    private final List<Class<? extends SpecificRecord>> events;

    Topic(String topicName, int partitions, boolean compacted, String key,
          List<Class<? extends SpecificRecord>> events) {
        this.topicName = topicName;
        this.partitions = partitions;
        this.compacted = compacted;
        this.key = key;
        this.events = events;
    }

    public String topicName() {
        return topicName;
    }

    public String deadLetterTopicName() {
        return topicName + DEAD_LETTER_SUFFIX;
    }

    public int partitions() {
        return partitions;
    }

    public boolean compacted() {
        return compacted;
    }

    /** What the record key is, for documentation and for the analytics consumers. */
    public String key() {
        return key;
    }

    public List<Class<? extends SpecificRecord>> events() {
        return events;
    }

    /** The topic an event type is published on. */
    public static Topic of(Class<? extends SpecificRecord> eventType) {
        for (Topic topic : values()) {
            if (topic.events.contains(eventType)) {
                return topic;
            }
        }
        throw new IllegalArgumentException("No topic carries " + eventType.getName());
    }
}
