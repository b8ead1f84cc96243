package dev.switchboard.notification.delivery;

import org.springframework.stereotype.Service;

import dev.switchboard.events.ticket.TicketCreated;
import dev.switchboard.notification.config.NotificationProperties;
import dev.switchboard.notification.settings.SenderSettings;
import dev.switchboard.notification.settings.SenderSettingsService;
import reactor.core.publisher.Mono;

/** Tells the customer their inquiry arrived, in the tenant's layout and under the tenant's name. */
@Service
class TicketAcknowledgements {

    static final String PURPOSE = "ticket-acknowledgement";

    private final SenderSettingsService senderSettings;
    private final MailRenderer renderer;
    private final DeliveryService deliveries;
    private final NotificationProperties properties;

    TicketAcknowledgements(SenderSettingsService senderSettings, MailRenderer renderer, DeliveryService deliveries,
                           NotificationProperties properties) {
        this.senderSettings = senderSettings;
        this.renderer = renderer;
        this.deliveries = deliveries;
        this.properties = properties;
    }

    Mono<Void> onTicketCreated(TicketCreated ticket) {
        String email = ticket.getEndUser().getEmail();
        if (email == null || email.isBlank()) {
            return Mono.empty();
        }
        String serviceId = ticket.getMetadata().getServiceId();
        return senderSettings.find(serviceId)
                .defaultIfEmpty(new SenderSettings(serviceId, null, null, null, null))
                .flatMap(settings -> deliveries.deliver(mail(ticket, settings)));
    }

    private OutboundMail mail(TicketCreated ticket, SenderSettings settings) {
        String name = ticket.getEndUser().getUsername();
        String text = (name == null || name.isBlank() ? "Hello" : "Dear " + name) + ",\n\n"
                + "thank you for contacting us. We have received your inquiry and will answer it as soon as we can.\n\n"
                + "Ticket: " + ticket.getTicketId() + "\n"
                + "Subject: " + ticket.getSubject() + "\n\n"
                + ticket.getContent() + "\n";
        String fromMail = settings.displayMail() == null ? properties.defaultFromMail() : settings.displayMail();
        String fromName = settings.name() == null || settings.name().isBlank() ? properties.defaultFromName()
                : settings.name();
        return new OutboundMail("ticket-ack:" + ticket.getTicketId(), ticket.getMetadata().getServiceId(),
                ticket.getTicketId(), PURPOSE, fromName, fromMail, name, ticket.getEndUser().getEmail(),
                "[" + ticket.getTicketId() + "] " + ticket.getSubject(), text,
                renderer.html(settings.template(), text),
                "<" + ticket.getTicketId() + ".ack@" + properties.messageIdDomain() + ">", "auto-replied",
                ticket.getMetadata().getEventId());
    }
}
