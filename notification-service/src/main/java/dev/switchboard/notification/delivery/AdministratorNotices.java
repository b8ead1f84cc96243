package dev.switchboard.notification.delivery;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

import org.springframework.stereotype.Service;

import dev.switchboard.events.mailbox.ExternalAccountDisabled;
import dev.switchboard.notification.config.NotificationProperties;
import dev.switchboard.notification.preferences.MailPreferencesService;
import dev.switchboard.notification.settings.SenderSettings;
import dev.switchboard.notification.settings.SenderSettingsService;
import dev.switchboard.platform.events.EventSerde;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The administrators' notice: when one of a tenant's mailboxes is disabled (by hand, or because fetching it kept
 * failing) each of the tenant's administrators gets one mail saying which mailbox and why. One delivery per
 * event and administrator, its id holding a hash of the address (not the address), so a redelivered event owes
 * nothing new and an address removed from the administrators meanwhile is not mailed.
 */
@Service
class AdministratorNotices {

    static final String PURPOSE = "administrator-notice";

    private final MailPreferencesService preferences;
    private final SenderSettingsService senderSettings;
    private final MailRenderer renderer;
    private final NotificationProperties properties;
    private final EventSerde serde;

    AdministratorNotices(MailPreferencesService preferences, SenderSettingsService senderSettings, MailRenderer renderer,
                         NotificationProperties properties, EventSerde serde) {
        this.serde = serde;
        this.preferences = preferences;
        this.senderSettings = senderSettings;
        this.renderer = renderer;
        this.properties = properties;
    }

    /** The notices a disabled mailbox owes: one per administrator, none when the tenant turned them off. */
    Flux<DeliveryService.Owed> owedBy(ExternalAccountDisabled disabled, byte[] payload) {
        var metadata = disabled.getMetadata();
        return preferences.of(metadata.getServiceId())
                .flatMapIterable(chosen -> chosen.noticeRecipients())
                .map(recipient -> new DeliveryService.Owed(deliveryId(metadata.getEventId(), recipient),
                        metadata.getServiceId(), null, PURPOSE, disabled.getSchema().getFullName(), payload,
                        metadata.getOccurredAt(), metadata.getCorrelationId() != null ? metadata.getCorrelationId()
                                : metadata.getEventId()));
    }

    /** The notice a delivery owes, built from the {@link ExternalAccountDisabled} it keeps. */
    Mono<OutboundMail> render(Delivery delivery) {
        return Mono.defer(() -> render(delivery, (ExternalAccountDisabled) serde.decode(delivery.eventType(),
                delivery.event())));
    }

    /** The notice for the administrator its delivery id names, if still an administrator. */
    Mono<OutboundMail> render(Delivery delivery, ExternalAccountDisabled disabled) {
        String serviceId = delivery.serviceId();
        return preferences.of(serviceId).flatMap(chosen -> Mono.justOrEmpty(chosen.noticeRecipients().stream()
                        .filter(recipient -> delivery.deliveryId().equals(
                                deliveryId(disabled.getMetadata().getEventId(), recipient)))
                        .findFirst()))
                .flatMap(recipient -> senderSettings.find(serviceId)
                        .defaultIfEmpty(new SenderSettings(serviceId, null, null, null, null, Instant.EPOCH))
                        .map(settings -> notice(delivery, disabled, recipient, settings)));
    }

    private OutboundMail notice(Delivery delivery, ExternalAccountDisabled disabled, String recipient,
                                SenderSettings settings) {
        String reason = "manual".equals(disabled.getReason()) ? "it was disabled by hand"
                : "fetching it kept failing: " + disabled.getReason();
        String text = "The mailbox " + disabled.getMail() + " (external account " + disabled.getAccountId()
                + ") is no longer fetched: " + reason + ".\n\n"
                + "Mail sent to it does not become tickets until it is enabled again. Check its settings, then enable it.\n";
        String messageId = "<" + delivery.deliveryId().replace(':', '.') + "@" + properties.messageIdDomain() + ">";
        return new OutboundMail(delivery.deliveryId(), delivery.serviceId(), null, PURPOSE,
                settings.name() == null || settings.name().isBlank() ? properties.defaultFromName() : settings.name(),
                settings.displayMail() == null ? properties.defaultFromMail() : settings.displayMail(), null, null,
                recipient, "Mailbox disabled: " + disabled.getMail(), text, renderer.html(settings.template(), text),
                messageId, "auto-generated", null, List.of(), delivery.correlationId());
    }

    static String deliveryId(String eventId, String recipient) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest(recipient.strip().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
            return "mailbox-disabled:" + eventId + ":" + HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
