package dev.switchboard.notification.delivery;

import java.io.UnsupportedEncodingException;
import java.time.Clock;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.mail.MailException;
import org.springframework.mail.MailSendException;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.mail.javamail.MimeMessageHelper;
import org.springframework.stereotype.Service;

import dev.switchboard.events.notification.EmailFailed;
import dev.switchboard.events.notification.EmailSent;
import dev.switchboard.platform.events.EventMetadataFactory;
import dev.switchboard.platform.outbox.Outbox;
import dev.switchboard.platform.outbox.OutboxRelay;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Sends each owed mail at most once per delivery id: the delivery is claimed in the log first, a
 * redelivered event finds it SENT (or FAILED) and sends nothing. A transient SMTP failure leaves it
 * claimed and throws, so the event is retried and finally dead-lettered; a rejected recipient is a
 * permanent failure, recorded and published as {@code EmailFailed}.
 */
@Service
class DeliveryService {

    private static final Logger log = LoggerFactory.getLogger(DeliveryService.class);

    private final ReactiveMongoTemplate mongo;
    private final JavaMailSenderImpl relay;
    private final EventMetadataFactory metadata;
    private final Outbox outbox;
    private final OutboxRelay outboxRelay;
    private final Clock clock = Clock.systemUTC();

    DeliveryService(ReactiveMongoTemplate mongo, JavaMailSenderImpl relay, EventMetadataFactory metadata,
                    Outbox outbox, OutboxRelay outboxRelay) {
        this.mongo = mongo;
        this.relay = relay;
        this.metadata = metadata;
        this.outbox = outbox;
        this.outboxRelay = outboxRelay;
    }

    Mono<Void> deliver(OutboundMail mail) {
        return claim(mail).flatMap(delivery -> switch (delivery.status()) {
            case SENT, FAILED -> {
                log.debug("Delivery {} already {}, not sending again", mail.deliveryId(), delivery.status());
                yield Mono.<Void>empty();
            }
            case SENDING -> send(mail);
        });
    }

    /** Whether the mail with this delivery id was already sent or given up on: nothing more to prepare for it. */
    Mono<Boolean> settled(String deliveryId) {
        return mongo.findById(deliveryId, Delivery.class)
                .map(delivery -> delivery.status() != Delivery.Status.SENDING)
                .defaultIfEmpty(false);
    }

    private Mono<Delivery> claim(OutboundMail mail) {
        var now = clock.instant();
        var update = new Update()
                .setOnInsert("serviceId", mail.serviceId())
                .setOnInsert("ticketId", mail.ticketId())
                .setOnInsert("purpose", mail.purpose())
                .setOnInsert("recipient", masked(mail.toMail()))
                .setOnInsert("messageId", mail.messageId())
                .setOnInsert("status", Delivery.Status.SENDING)
                .setOnInsert("createdAt", now)
                .setOnInsert("pendingEvents", List.of())
                .inc("attempts", 1)
                .set("updatedAt", now);
        return mongo.findAndModify(byId(mail.deliveryId()), update,
                FindAndModifyOptions.options().upsert(true).returnNew(true), Delivery.class);
    }

    // SMTP is blocking I/O: it runs on the bounded elastic scheduler, never on an event loop.
    private Mono<Void> send(OutboundMail mail) {
        return Mono.fromCallable(() -> {
                    relay.send(message(mail));
                    return true;
                })
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(sent -> markSent(mail))
                .onErrorResume(DeliveryService::isPermanent, error -> markFailed(mail, reason(error, mail)))
                .onErrorResume(MailException.class, error -> recordTransient(mail, error)
                        .then(Mono.error(error)));
    }

    private Mono<Void> markSent(OutboundMail mail) {
        var event = EmailSent.newBuilder()
                .setMetadata(metadata.create(mail.serviceId(), mail.correlationId()))
                .setDeliveryId(mail.deliveryId()).setPurpose(mail.purpose()).setTicketId(mail.ticketId())
                .setMessageId(mail.messageId()).setRecipient(masked(mail.toMail())).setSentAt(clock.instant())
                .build();
        var update = new Update().set("status", Delivery.Status.SENT).set("updatedAt", clock.instant())
                .unset("lastError").push("pendingEvents", outbox.pending(mail.deliveryId(), event));
        return mongo.updateFirst(byId(mail.deliveryId()), update, Delivery.class)
                .then(outboxRelay.relay(Delivery.COLLECTION, mail.deliveryId()));
    }

    private Mono<Void> markFailed(OutboundMail mail, String reason) {
        log.warn("Delivery {} failed permanently: {}", mail.deliveryId(), reason);
        var event = EmailFailed.newBuilder()
                .setMetadata(metadata.create(mail.serviceId(), mail.correlationId()))
                .setDeliveryId(mail.deliveryId()).setPurpose(mail.purpose()).setTicketId(mail.ticketId())
                .setRecipient(masked(mail.toMail())).setReason(reason).setFailedAt(clock.instant())
                .build();
        var update = new Update().set("status", Delivery.Status.FAILED).set("lastError", reason)
                .set("updatedAt", clock.instant()).push("pendingEvents", outbox.pending(mail.deliveryId(), event));
        return mongo.updateFirst(byId(mail.deliveryId()), update, Delivery.class)
                .then(outboxRelay.relay(Delivery.COLLECTION, mail.deliveryId()));
    }

    private Mono<Void> recordTransient(OutboundMail mail, Throwable error) {
        log.warn("Delivery {} failed, will be retried: {}", mail.deliveryId(), reason(error, mail));
        return mongo.updateFirst(byId(mail.deliveryId()),
                new Update().set("lastError", reason(error, mail)).set("updatedAt", clock.instant()), Delivery.class)
                .then();
    }

    MimeMessage message(OutboundMail mail) throws MessagingException, UnsupportedEncodingException {
        MimeMessage message = new FixedIdMimeMessage(relay.getSession(), mail.messageId());
        var helper = new MimeMessageHelper(message, true, "UTF-8");
        helper.setFrom(new InternetAddress(mail.fromMail(), MailRenderer.oneLine(mail.fromName()), "UTF-8"));
        helper.setTo(new InternetAddress(mail.toMail(), MailRenderer.oneLine(mail.toName()), "UTF-8"));
        helper.setSubject(MailRenderer.oneLine(mail.subject()));
        helper.setText(mail.text(), mail.html());
        for (var file : mail.files()) {
            helper.addAttachment(MailRenderer.oneLine(file.name()), new ByteArrayResource(file.content()),
                    file.contentType());
        }
        if (mail.autoSubmitted() != null) {
            message.setHeader("Auto-Submitted", mail.autoSubmitted());
            message.setHeader("X-Auto-Response-Suppress", "All");
        }
        if (mail.inReplyTo() != null) {
            message.setHeader("In-Reply-To", mail.inReplyTo());
            message.setHeader("References", mail.inReplyTo());
        }
        if (mail.ticketId() != null) {
            message.setHeader("X-Switchboard-Ticket", mail.ticketId());
        }
        return message;
    }

    private static boolean isPermanent(Throwable error) {
        if (error instanceof MailSendException send) {
            return send.getFailedMessages().values().stream().anyMatch(DeliveryService::rejectedRecipient)
                    || rejectedRecipient(send.getCause());
        }
        return error instanceof org.springframework.mail.MailParseException;
    }

    private static boolean rejectedRecipient(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof SendFailedException failed && failed.getInvalidAddresses() != null
                    && failed.getInvalidAddresses().length > 0) {
                return true;
            }
        }
        return false;
    }

    /** Why a send failed, as logged, kept and published: the server's words with the address masked. */
    static String reason(Throwable error, OutboundMail mail) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        message = Pattern.compile(Pattern.quote(mail.toMail()), Pattern.CASE_INSENSITIVE).matcher(message)
                .replaceAll(Matcher.quoteReplacement(masked(mail.toMail())));
        return message.length() > 500 ? message.substring(0, 500) : message;
    }

    /**
     * An address as the delivery log and the {@code EmailSent}/{@code EmailFailed} events show it: enough to
     * recognise (first character and domain), not enough to mail, since analytics reads those events.
     */
    static String masked(String address) {
        int at = address.lastIndexOf('@');
        if (at < 1) {
            return "***";
        }
        return address.charAt(0) + "***" + address.substring(at);
    }

    private static Query byId(String deliveryId) {
        return Query.query(Criteria.where("_id").is(deliveryId));
    }

    /** Keeps the Message-ID Switchboard chose, so replies thread back and a resend is recognisable. */
    static final class FixedIdMimeMessage extends MimeMessage {
        private final String messageId;

        FixedIdMimeMessage(Session session, String messageId) {
            super(session);
            this.messageId = messageId;
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", messageId);
        }
    }
}
