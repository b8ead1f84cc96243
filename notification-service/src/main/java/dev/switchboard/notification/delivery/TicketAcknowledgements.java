package dev.switchboard.notification.delivery;

import java.nio.ByteBuffer;
import java.util.List;

import org.springframework.stereotype.Service;

import dev.switchboard.events.ticket.TicketCreated;
import dev.switchboard.events.ticket.TicketReplied;
import dev.switchboard.notification.config.NotificationProperties;
import dev.switchboard.platform.crypto.HybridSeal;
import dev.switchboard.platform.crypto.SealedContact;
import dev.switchboard.notification.settings.SenderSettings;
import dev.switchboard.notification.settings.SenderSettingsService;
import reactor.core.publisher.Mono;

/**
 * The mail tickets cause, in the tenant's layout and under the tenant's name: the acknowledgement of a new
 * inquiry, and each agent answer. Each has a natural delivery id, so a redelivered event sends nothing new.
 */
@Service
class TicketAcknowledgements {

    static final String PURPOSE = "ticket-acknowledgement";
    static final String ANSWER = "ticket-answer";

    private final SenderSettingsService senderSettings;
    private final MailRenderer renderer;
    private final DeliveryService deliveries;
    private final NotificationProperties properties;
    private final HybridSeal.Opener contacts;
    private final ReplyFiles replyFiles;

    TicketAcknowledgements(SenderSettingsService senderSettings, MailRenderer renderer, DeliveryService deliveries,
                           NotificationProperties properties, HybridSeal.Opener contacts, ReplyFiles replyFiles) {
        this.senderSettings = senderSettings;
        this.renderer = renderer;
        this.deliveries = deliveries;
        this.properties = properties;
        this.contacts = contacts;
        this.replyFiles = replyFiles;
    }

    Mono<Void> onTicketCreated(TicketCreated ticket) {
        var contact = contact(ticket.getSealedContact(), ticket.getMetadata().getServiceId(), ticket.getTicketId(),
                ticket.getEndUser().getEmail(), ticket.getEndUser().getUsername());
        if (contact == null) {
            return Mono.empty();
        }
        return send(ticket.getMetadata().getServiceId(), settings -> mail(ticket, contact, settings));
    }

    /**
     * The agent's answer with the files it attached, threaded under the acknowledgement; a person's mail, so not
     * Auto-Submitted.
     */
    Mono<Void> onTicketReplied(TicketReplied reply) {
        var contact = contact(reply.getSealedContact(), reply.getMetadata().getServiceId(), reply.getTicketId(),
                reply.getEmail(), reply.getUsername());
        if (contact == null) {
            return Mono.empty();
        }
        String serviceId = reply.getMetadata().getServiceId();
        // a redelivered answer that was already mailed needs its files no more
        return deliveries.settled(answerDeliveryId(reply)).flatMap(settled -> settled ? Mono.<Void>empty()
                : replyFiles.fetch(serviceId, reply.getAttachmentIds())
                        .flatMap(files -> send(serviceId, settings -> answer(reply, contact, files, settings))));
    }

    /**
     * Where to mail: sealed for this service in current events, in clear in v1 events still on the topic;
     * null when the customer left no address.
     */
    private SealedContact contact(ByteBuffer sealed, String serviceId, String ticketId, String email, String username) {
        var contact = sealed == null ? new SealedContact(email, username)
                : SealedContact.open(contacts, sealed, serviceId, ticketId);
        return contact.email() == null || contact.email().isBlank() ? null : contact;
    }

    /** Delivers the mail built from the tenant's sender settings (the platform's defaults where none are saved). */
    private Mono<Void> send(String serviceId, java.util.function.Function<SenderSettings, OutboundMail> mail) {
        return senderSettings.find(serviceId)
                .defaultIfEmpty(new SenderSettings(serviceId, null, null, null, null))
                .flatMap(settings -> deliveries.deliver(mail.apply(settings)));
    }

    private OutboundMail answer(TicketReplied reply, SealedContact contact, ReplyFiles.Fetched files,
                                SenderSettings settings) {
        String text = reply.getComment() + "\n\n"
                + (files.tooLarge().isEmpty() ? "" : "Too large to mail, with your ticket: "
                        + String.join(", ", files.tooLarge()) + "\n")
                + "Ticket: " + reply.getTicketId() + "\n";
        return new OutboundMail(answerDeliveryId(reply),
                reply.getMetadata().getServiceId(), reply.getTicketId(), ANSWER, fromName(settings),
                fromMail(settings), contact.username(), contact.email(),
                "Re: [" + reply.getTicketId() + "] " + reply.getSubject(), text, renderer.html(settings.template(), text),
                "<" + reply.getTicketId() + "." + reply.getReplyId() + "@" + properties.messageIdDomain() + ">", null,
                acknowledgementId(reply.getTicketId()), files.attached(), reply.getMetadata().getEventId());
    }

    private String fromMail(SenderSettings settings) {
        return settings.displayMail() == null ? properties.defaultFromMail() : settings.displayMail();
    }

    private String fromName(SenderSettings settings) {
        return settings.name() == null || settings.name().isBlank() ? properties.defaultFromName() : settings.name();
    }

    private OutboundMail mail(TicketCreated ticket, SealedContact contact, SenderSettings settings) {
        String name = contact.username();
        String text = (name == null || name.isBlank() ? "Hello" : "Dear " + name) + ",\n\n"
                + "thank you for contacting us. We have received your inquiry and will answer it as soon as we can.\n\n"
                + "Ticket: " + ticket.getTicketId() + "\n"
                + "Subject: " + ticket.getSubject() + "\n\n"
                + ticket.getContent() + "\n";
        String fromMail = fromMail(settings);
        String fromName = fromName(settings);
        return new OutboundMail("ticket-ack:" + ticket.getTicketId(), ticket.getMetadata().getServiceId(),
                ticket.getTicketId(), PURPOSE, fromName, fromMail, name, contact.email(),
                "[" + ticket.getTicketId() + "] " + ticket.getSubject(), text,
                renderer.html(settings.template(), text),
                acknowledgementId(ticket.getTicketId()), "auto-replied", null, List.of(),
                ticket.getMetadata().getEventId());
    }

    private static String answerDeliveryId(TicketReplied reply) {
        return "ticket-answer:" + reply.getTicketId() + ":" + reply.getReplyId();
    }

    /** Every later mail of a ticket answers its acknowledgement, so mail clients show one conversation. */
    private String acknowledgementId(String ticketId) {
        return "<" + ticketId + ".ack@" + properties.messageIdDomain() + ">";
    }
}
