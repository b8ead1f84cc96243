package dev.switchboard.notification.delivery;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.avro.specific.SpecificRecord;
import org.springframework.stereotype.Service;

import dev.switchboard.events.ticket.TicketCreated;
import dev.switchboard.events.ticket.TicketReplied;
import dev.switchboard.notification.config.NotificationProperties;
import dev.switchboard.notification.preferences.MailPreferences;
import dev.switchboard.notification.preferences.MailPreferencesService;
import dev.switchboard.notification.settings.SenderSettings;
import dev.switchboard.notification.settings.SenderSettingsService;
import dev.switchboard.platform.crypto.ContactSeal;
import dev.switchboard.platform.crypto.SealedContact;
import dev.switchboard.platform.events.EventSerde;
import dev.switchboard.platform.events.UndecodableEventException;
import reactor.core.publisher.Mono;

/**
 * The mail tickets cause, in the tenant's layout and under the tenant's name: the acknowledgement of a new
 * inquiry, in the ticket's language or the tenant's own words, and each agent answer with its files; either
 * can be turned off per tenant. Each has a natural delivery id, so a
 * redelivered event owes nothing new. The mail is rendered when it is sent, from the event the delivery keeps.
 */
@Service
class TicketMail {

    static final String PURPOSE = "ticket-acknowledgement";
    static final String ANSWER = "ticket-answer";

    /** The acknowledgement's words per language; the first line's {0} is the customer's name. */
    private static final Map<String, Acknowledgement> ACKNOWLEDGEMENTS = Map.of(
            "en", new Acknowledgement("Dear {0},", "Hello,",
                    "thank you for contacting us. We have received your inquiry and will answer it as soon as we can.",
                    "Ticket", "Subject"),
            "ko", new Acknowledgement("{0}님, 안녕하세요.", "안녕하세요.",
                    "문의해 주셔서 감사합니다. 문의가 접수되었으며 최대한 빨리 답변드리겠습니다.", "문의 번호", "제목"),
            "ja", new Acknowledgement("{0} 様", "お客様",
                    "お問い合わせいただきありがとうございます。お問い合わせを受け付けました。できるだけ早くご回答いたします。",
                    "お問い合わせ番号", "件名"));

    private record Acknowledgement(String greeting, String anonymousGreeting, String body, String ticketLabel,
                                   String subjectLabel) {
    }

    private final SenderSettingsService senderSettings;
    private final MailRenderer renderer;
    private final NotificationProperties properties;
    private final ContactSeal contacts;
    private final ReplyFiles replyFiles;
    private final EventSerde serde;
    private final MailPreferencesService preferences;
    private final TicketMailboxes mailboxes;

    TicketMail(SenderSettingsService senderSettings, MailRenderer renderer, NotificationProperties properties,
               ContactSeal contacts, ReplyFiles replyFiles, EventSerde serde, MailPreferencesService preferences,
               TicketMailboxes mailboxes) {
        this.preferences = preferences;
        this.mailboxes = mailboxes;
        this.senderSettings = senderSettings;
        this.renderer = renderer;
        this.properties = properties;
        this.contacts = contacts;
        this.replyFiles = replyFiles;
        this.serde = serde;
    }

    /**
     * The mail an event owes: the acknowledgement of a new ticket, the agent's answer; none when the customer
     * left no address to answer to, the tenant turned that mail off, or the event causes no mail.
     */
    Mono<DeliveryService.Owed> owedBy(SpecificRecord event, byte[] payload) {
        return switch (event) {
            case TicketCreated ticket -> !hasAddress(ticket.getSealedContact(), ticket.getEndUser().getEmail())
                    ? Mono.empty()
                    : rememberMailbox(ticket).then(preferences.of(ticket.getMetadata().getServiceId()))
                            .filter(MailPreferences::acknowledges)
                            .map(on -> owed("ticket-ack:" + ticket.getTicketId(), ticket.getMetadata().getServiceId(),
                                    ticket.getTicketId(), PURPOSE, ticket, payload));
            case TicketReplied reply -> !hasAddress(reply.getSealedContact(), reply.getEmail())
                    ? Mono.empty()
                    : preferences.of(reply.getMetadata().getServiceId())
                            .filter(MailPreferences::mailsAnswers)
                            .map(on -> owed(answerDeliveryId(reply), reply.getMetadata().getServiceId(),
                                    reply.getTicketId(), ANSWER, reply, payload));
            default -> Mono.empty();
        };
    }

    /** A ticket made from mail: its later answers ask to be answered to the same mailbox. */
    private Mono<Void> rememberMailbox(TicketCreated ticket) {
        return ticket.getSourceMailbox() == null ? Mono.empty()
                : mailboxes.remember(ticket.getMetadata().getServiceId(), ticket.getTicketId(), ticket.getSourceMailbox());
    }

    private static DeliveryService.Owed owed(String deliveryId, String serviceId, String ticketId, String purpose,
                                             SpecificRecord cause, byte[] event) {
        var metadata = EventSerde.metadataOf(cause);
        return new DeliveryService.Owed(deliveryId, serviceId, ticketId, purpose, cause.getSchema().getFullName(),
                event, metadata.getOccurredAt(),
                metadata.getCorrelationId() != null ? metadata.getCorrelationId() : metadata.getEventId());
    }

    /** Builds the mail a delivery owes from the event it keeps; empty when there is nobody to mail. */
    Mono<OutboundMail> render(Delivery delivery) {
        SpecificRecord event = serde.decode(delivery.eventType(), delivery.event());
        return switch (event) {
            case TicketCreated created -> acknowledgement(created);
            case TicketReplied replied -> answer(replied);
            default -> Mono.error(new UndecodableEventException("No mail is built from " + delivery.eventType()));
        };
    }

    private Mono<OutboundMail> acknowledgement(TicketCreated ticket) {
        var contact = contact(ticket.getSealedContact(), ticket.getMetadata().getServiceId(), ticket.getTicketId(),
                ticket.getEndUser().getEmail(), ticket.getEndUser().getUsername());
        if (contact == null) {
            return Mono.empty();
        }
        String serviceId = ticket.getMetadata().getServiceId();
        return preferences.of(serviceId).flatMap(chosen -> settings(serviceId)
                .map(settings -> mail(ticket, contact, settings, chosen)));
    }

    /**
     * The agent's answer with the files it attached, threaded under the acknowledgement; a person's mail, so not
     * Auto-Submitted.
     */
    private Mono<OutboundMail> answer(TicketReplied reply) {
        var contact = contact(reply.getSealedContact(), reply.getMetadata().getServiceId(), reply.getTicketId(),
                reply.getEmail(), reply.getUsername());
        if (contact == null) {
            return Mono.empty();
        }
        String serviceId = reply.getMetadata().getServiceId();
        return replyFiles.fetch(serviceId, reply.getAttachmentIds())
                .flatMap(files -> settings(serviceId).flatMap(settings -> mailboxes.of(serviceId, reply.getTicketId())
                        .map(java.util.Optional::of).defaultIfEmpty(java.util.Optional.empty())
                        .map(mailbox -> answer(reply, contact, files, settings, mailbox.orElse(replyTo(settings))))));
    }

    private static boolean hasAddress(ByteBuffer sealed, String clearEmail) {
        return sealed != null || (clearEmail != null && !clearEmail.isBlank());
    }

    /**
     * Where to mail: sealed for this service in current events, in clear in v1 events still on the topic;
     * null when the customer left no address.
     */
    private SealedContact contact(ByteBuffer sealed, String serviceId, String ticketId, String email, String username) {
        var contact = sealed == null ? new SealedContact(email, username)
                : contacts.open(sealed, serviceId, ticketId);
        return contact.email() == null || contact.email().isBlank() ? null : contact;
    }

    /** The tenant's sender settings, the platform's defaults where none are saved. */
    private Mono<SenderSettings> settings(String serviceId) {
        return senderSettings.find(serviceId)
                .defaultIfEmpty(new SenderSettings(serviceId, null, null, null, null, Instant.EPOCH));
    }

    private OutboundMail answer(TicketReplied reply, SealedContact contact, ReplyFiles.Fetched files,
                                SenderSettings settings, String replyTo) {
        String text = reply.getComment() + "\n\n"
                + (files.tooLarge().isEmpty() ? "" : "Too large to mail, with your ticket: "
                        + String.join(", ", files.tooLarge()) + "\n")
                + "Ticket: " + reply.getTicketId() + "\n";
        return new OutboundMail(answerDeliveryId(reply),
                reply.getMetadata().getServiceId(), reply.getTicketId(), ANSWER, fromName(settings),
                fromMail(settings), replyTo, contact.username(), contact.email(),
                "Re: [" + reply.getTicketId() + "] " + reply.getSubject(), text, renderer.html(settings.template(), text),
                "<" + reply.getTicketId() + "." + reply.getReplyId() + "@" + properties.messageIdDomain() + ">", null,
                acknowledgementId(reply.getTicketId()), files.attached(), reply.getMetadata().getCorrelationId());
    }

    private OutboundMail mail(TicketCreated ticket, SealedContact contact, SenderSettings settings,
                              MailPreferences chosen) {
        String name = contact.username();
        String language = language(ticket.getLanguage());
        String own = chosen.acknowledgementText(language);
        String text = own != null ? tenantText(own, name, ticket) : platformText(language, name, ticket);
        return new OutboundMail("ticket-ack:" + ticket.getTicketId(), ticket.getMetadata().getServiceId(),
                ticket.getTicketId(), PURPOSE, fromName(settings), fromMail(settings),
                ticket.getSourceMailbox() != null ? ticket.getSourceMailbox() : replyTo(settings), name,
                contact.email(), "[" + ticket.getTicketId() + "] " + ticket.getSubject(), text,
                renderer.html(settings.template(), text),
                acknowledgementId(ticket.getTicketId()), "auto-replied", null, List.of(),
                ticket.getMetadata().getCorrelationId());
    }

    /** The platform's acknowledgement in the ticket's language, English for a language it has no words for. */
    private static String platformText(String language, String name, TicketCreated ticket) {
        var words = ACKNOWLEDGEMENTS.getOrDefault(language, ACKNOWLEDGEMENTS.get("en"));
        String greeting = name == null || name.isBlank() ? words.anonymousGreeting()
                : words.greeting().replace("{0}", name);
        return greeting + "\n\n" + words.body() + "\n\n"
                + words.ticketLabel() + ": " + ticket.getTicketId() + "\n"
                + words.subjectLabel() + ": " + ticket.getSubject() + "\n\n"
                + ticket.getContent() + "\n";
    }

    /** The tenant's own words, its placeholders filled in once each (a value is never searched for more). */
    static String tenantText(String template, String name, TicketCreated ticket) {
        var values = java.util.Map.of("#{name}", name == null ? "" : name, "#{ticketId}", ticket.getTicketId(),
                "#{subject}", ticket.getSubject(), "#{inquiry}", ticket.getContent());
        var text = new StringBuilder();
        int at = 0;
        while (at < template.length()) {
            int next = template.indexOf("#{", at);
            if (next < 0) {
                break;
            }
            int end = template.indexOf('}', next);
            String placeholder = end < 0 ? null : template.substring(next, end + 1);
            text.append(template, at, next);
            if (placeholder != null && values.containsKey(placeholder)) {
                text.append(values.get(placeholder));
                at = end + 1;
            } else {
                text.append("#{");
                at = next + 2;
            }
        }
        return text.append(template.substring(at)).toString();
    }

    /** The ticket's language as far as the acknowledgement knows it: {@code ko-KR} and {@code ko_KR} are ko. */
    static String language(String language) {
        if (language == null || language.isBlank()) {
            return "en";
        }
        return language.strip().split("[-_]")[0].toLowerCase(Locale.ROOT);
    }

    private String fromMail(SenderSettings settings) {
        return settings.displayMail() == null ? properties.defaultFromMail() : settings.displayMail();
    }

    private String fromName(SenderSettings settings) {
        return settings.name() == null || settings.name().isBlank() ? properties.defaultFromName() : settings.name();
    }

    /**
     * Where the customer's answer should go when the ticket did not come by mail: the tenant's representative
     * account, whose mail becomes tickets.
     */
    private static String replyTo(SenderSettings settings) {
        return settings.mail() == null || settings.mail().isBlank() ? null : settings.mail();
    }

    private static String answerDeliveryId(TicketReplied reply) {
        return "ticket-answer:" + reply.getTicketId() + ":" + reply.getReplyId();
    }

    /** Every later mail of a ticket answers its acknowledgement, so mail clients show one conversation. */
    private String acknowledgementId(String ticketId) {
        return "<" + ticketId + ".ack@" + properties.messageIdDomain() + ">";
    }
}
