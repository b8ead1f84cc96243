package dev.switchboard.notification.delivery;

import java.io.UnsupportedEncodingException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
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
import org.springframework.mail.MailParseException;
import org.springframework.mail.MailPreparationException;
import org.springframework.mail.MailSendException;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.mail.javamail.MimeMessageHelper;
import org.springframework.stereotype.Service;

import dev.switchboard.events.notification.EmailFailed;
import dev.switchboard.events.notification.EmailSent;
import dev.switchboard.notification.config.NotificationProperties;
import dev.switchboard.platform.events.EventMetadataFactory;
import dev.switchboard.platform.outbox.Outbox;
import dev.switchboard.platform.outbox.OutboxRelay;
import jakarta.activation.FileTypeMap;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Sends each owed mail once per delivery id, as far as SMTP allows.
 *
 * <p>A sender first takes a <em>lease</em> on the delivery in the log: it records itself as {@code owner}, a
 * {@code leaseUntil}, the attempt's start and one more {@code attempts}. A redelivered event that finds the
 * delivery SENT or FAILED sends nothing; one that finds it SENDING under a lease that has not run out sends
 * nothing either and throws {@link DeliveryLeasedException}, so the event is retried later. Only a lease that ran
 * out (its sender died) is taken over, and only by one: the takeover is a findAndModify conditional on the
 * expired lease. The lease outlasts the whole send ({@code relay.sendTimeout}, enforced by interrupting the
 * sending thread), so a live sender never loses it. A transient SMTP failure gives the lease back and throws
 * {@link TransientDeliveryException} (retried, finally dead-lettered); a rejected recipient is a permanent
 * failure, recorded and published as {@code EmailFailed}.
 *
 * <p>What SMTP leaves possible, and what is done about it: the server takes a mail when it answers the final
 * {@code .} of DATA; a sender that dies around that moment cannot know whether it did. Just before sending the
 * {@code .} the attempt records {@code committingAttempt} ({@link CommitPointSender}); a takeover that finds it
 * does not send again but records the mail as sent. So a crash duplicates nothing; the price is that a sender
 * dying in the instant between that write and the {@code .} reaching the server loses that one mail (the window
 * is one socket write, against the whole reply-and-record round trip that duplicated mails before). A refusal
 * the server itself answers clears the marker, so it is retried. Every copy also carries the same Message-ID.
 */
@Service
class DeliveryService {

    private static final Logger log = LoggerFactory.getLogger(DeliveryService.class);

    /** Anything that looks like a mail address in a server reply. */
    /** How long recording the commit point may take before the send is aborted (nothing handed over yet). */
    private static final Duration COMMIT_POINT_WRITE = Duration.ofSeconds(5);
    private static final Pattern ADDRESS = Pattern.compile("[^\\s<>\"'(),;:\\[\\]]+@[^\\s<>\"'(),;:\\[\\]]+");

    private final ReactiveMongoTemplate mongo;
    private final JavaMailSenderImpl relay;
    private final CommitPointSender sender;
    private final EventMetadataFactory metadata;
    private final Outbox outbox;
    private final OutboxRelay outboxRelay;
    private final MailSendPool pool;
    private final Duration sendTimeout;
    private final Duration lease;
    private final String owner = instanceId();
    private final Clock clock = Clock.systemUTC();

    DeliveryService(ReactiveMongoTemplate mongo, JavaMailSenderImpl relay, EventMetadataFactory metadata,
                    Outbox outbox, OutboxRelay outboxRelay, MailSendPool pool, NotificationProperties properties) {
        this.mongo = mongo;
        this.relay = relay;
        this.sender = new CommitPointSender(relay);
        this.metadata = metadata;
        this.outbox = outbox;
        this.outboxRelay = outboxRelay;
        this.pool = pool;
        this.sendTimeout = properties.relay().sendTimeout();
        this.lease = properties.sending().lease();
    }

    Mono<Void> deliver(OutboundMail mail) {
        var now = clock.instant();
        // returns the delivery as it was before: none means this call created it and holds its first lease
        return mongo.findAndModify(byId(mail.deliveryId()), newDelivery(mail, now),
                        FindAndModifyOptions.options().upsert(true).returnNew(false), Delivery.class)
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty())
                .flatMap(existing -> existing.isEmpty() ? send(mail, 1, now) : resume(mail, existing.get()));
    }

    /** Whether the mail with this delivery id was already sent or given up on: nothing more to prepare for it. */
    Mono<Boolean> settled(String deliveryId) {
        return mongo.findById(deliveryId, Delivery.class)
                .map(delivery -> delivery.status() != Delivery.Status.SENDING)
                .defaultIfEmpty(false);
    }

    /** Which instance this is in the delivery log; a restart is another owner. */
    String owner() {
        return owner;
    }

    private Update newDelivery(OutboundMail mail, Instant now) {
        return new Update()
                .setOnInsert("serviceId", mail.serviceId())
                .setOnInsert("ticketId", mail.ticketId())
                .setOnInsert("purpose", mail.purpose())
                .setOnInsert("recipient", masked(mail.toMail()))
                .setOnInsert("messageId", mail.messageId())
                .setOnInsert("status", Delivery.Status.SENDING)
                .setOnInsert("owner", owner)
                .setOnInsert("leaseUntil", now.plus(lease))
                .setOnInsert("attempts", 1)
                .setOnInsert("attemptStartedAt", now)
                .setOnInsert("createdAt", now)
                .setOnInsert("updatedAt", now)
                .setOnInsert("pendingEvents", List.of());
    }

    private Mono<Void> resume(OutboundMail mail, Delivery delivery) {
        if (delivery.status() != Delivery.Status.SENDING) {
            log.debug("Delivery {} already {}, not sending again", mail.deliveryId(), delivery.status());
            return Mono.empty();
        }
        if (delivery.leaseUntil() != null && delivery.leaseUntil().isAfter(clock.instant())) {
            return Mono.error(new DeliveryLeasedException(mail.deliveryId(), delivery.owner(), delivery.leaseUntil()));
        }
        return takeOver(mail).flatMap(taken -> {
            if (taken.committingAttempt() != null) {
                // the sender before died between the commit point and recording the outcome: the server most
                // likely has the mail, and sending it again is the duplicate this marker exists to prevent
                log.warn("Delivery {} attempt {} had reached the SMTP commit point when its sender stopped; "
                        + "treated as sent, not sent again", mail.deliveryId(), taken.committingAttempt());
                return markSent(mail);
            }
            return send(mail, taken.attempts(), taken.attemptStartedAt());
        });
    }

    /** Takes the lease that ran out (or that a delivery from before leases never had); of racing takers one wins. */
    private Mono<Delivery> takeOver(OutboundMail mail) {
        var now = clock.instant();
        var expired = sending(mail.deliveryId()).addCriteria(
                new Criteria().orOperator(Criteria.where("leaseUntil").lte(now), Criteria.where("leaseUntil").isNull()));
        var update = new Update().set("owner", owner).set("leaseUntil", now.plus(lease)).inc("attempts", 1)
                .set("attemptStartedAt", now).set("updatedAt", now);
        return mongo.findAndModify(expired, update, FindAndModifyOptions.options().returnNew(true), Delivery.class)
                .doOnNext(taken -> log.info("Delivery {} taken over from an expired lease, attempt {}",
                        mail.deliveryId(), taken.attempts()))
                .switchIfEmpty(Mono.error(() -> new DeliveryLeasedException(mail.deliveryId())));
    }

    private Mono<Void> send(OutboundMail mail, int attempt, Instant startedAt) {
        return smtp(mail, attempt, startedAt).materialize().flatMap(outcome -> {
            if (!outcome.isOnError()) {
                return markSent(mail);
            }
            Throwable error = outcome.getThrowable();
            if (isPermanent(error)) {
                return markFailed(mail, reason(error, mail));
            }
            // a failure of the log writes above is not caught here: the mail may be out, so the lease stays
            return release(mail, attempt, error).then(Mono.error(transientFailure(error, mail)));
        });
    }

    // SMTP is blocking I/O: it runs on the bounded mail-send pool, never on an event loop. The deadline counts
    // from the lease's start, so the send is over (or cut off) well before the lease runs out.
    private Mono<Void> smtp(OutboundMail mail, int attempt, Instant startedAt) {
        return Mono.<Void>fromRunnable(() -> {
            try (var deadline = new Deadline(sendTimeout.minus(Duration.between(startedAt, clock.instant())))) {
                try {
                    sender.send(message(mail), () -> reachCommitPoint(mail, attempt));
                } catch (MailException e) {
                    if (deadline.expired()) {
                        throw new MailSendException("SMTP conversation cut off after relay.send-timeout " + sendTimeout);
                    }
                    throw e;
                }
            }
        }).subscribeOn(pool.scheduler());
    }

    /**
     * Records, on the sending thread, that this attempt is about to hand the mail over; only while this instance
     * still holds the lease for it, else the send is aborted before the server takes anything.
     */
    private void reachCommitPoint(OutboundMail mail, int attempt) throws MessagingException {
        var mine = sending(mail.deliveryId()).addCriteria(Criteria.where("owner").is(owner).and("attempts").is(attempt));
        Long matched = mongo.updateFirst(mine, new Update().set("committingAttempt", attempt)
                        .set("updatedAt", clock.instant()), Delivery.class)
                .map(result -> result.getMatchedCount())
                .block(COMMIT_POINT_WRITE);
        if (matched == null || matched == 0) {
            throw new MessagingException("The lease of delivery " + mail.deliveryId() + " was lost; not handing the mail over");
        }
    }

    private Mono<Void> markSent(OutboundMail mail) {
        var event = EmailSent.newBuilder()
                .setMetadata(metadata.create(mail.serviceId(), mail.correlationId()))
                .setDeliveryId(mail.deliveryId()).setPurpose(mail.purpose()).setTicketId(mail.ticketId())
                .setMessageId(mail.messageId()).setRecipient(masked(mail.toMail())).setSentAt(clock.instant())
                .build();
        var update = new Update().set("status", Delivery.Status.SENT).set("updatedAt", clock.instant())
                .unset("lastError").push("pendingEvents", outbox.pending(mail.deliveryId(), event));
        // whoever holds the lease now: the mail is out; only once SENT, so one EmailSent
        return mongo.updateFirst(sending(mail.deliveryId()), update, Delivery.class)
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
        return mongo.updateFirst(sending(mail.deliveryId()), update, Delivery.class)
                .then(outboxRelay.relay(Delivery.COLLECTION, mail.deliveryId()));
    }

    /** Gives the lease back after a transient failure, so the retry need not wait for it to run out. */
    private Mono<Void> release(OutboundMail mail, int attempt, Throwable error) {
        String reason = reason(error, mail);
        log.warn("Delivery {} attempt {} failed, will be retried: {}", mail.deliveryId(), attempt, reason);
        var mine = sending(mail.deliveryId()).addCriteria(Criteria.where("owner").is(owner).and("attempts").is(attempt));
        var now = clock.instant();
        var update = new Update().set("lastError", reason).set("leaseUntil", now).set("updatedAt", now);
        if (serverRefused(error)) {
            // the server answered the final '.' (or an earlier step) with a refusal: it does not have the mail
            update.unset("committingAttempt");
        }
        return mongo.updateFirst(mine, update, Delivery.class).then();
    }

    MimeMessage message(OutboundMail mail) {
        try {
            return build(mail);
        } catch (MessagingException e) {
            // e.g. an address that does not parse: it never will, so a permanent failure
            throw new MailParseException(e);
        } catch (UnsupportedEncodingException e) {
            throw new MailPreparationException(e);
        }
    }

    private MimeMessage build(OutboundMail mail) throws MessagingException, UnsupportedEncodingException {
        MimeMessage message = new FixedIdMimeMessage(relay.getSession(), mail.messageId());
        var helper = helper(message);
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

    /**
     * A helper that uses the relay's MIME type map: a plain helper on a message of our own class would load a new
     * one, reading the type files of every jar, for each mail.
     */
    MimeMessageHelper helper(MimeMessage message) throws MessagingException {
        FileTypeMap shared = relay.getDefaultFileTypeMap();
        return new MimeMessageHelper(message, true, "UTF-8") {
            @Override
            protected FileTypeMap getDefaultFileTypeMap(MimeMessage mimeMessage) {
                return shared;
            }
        };
    }

    /**
     * Whether the server itself refused (an SMTP reply, or a failure before the commit point): then it does not
     * hold the mail. A timeout or a broken connection after the commit point is not that.
     */
    private static boolean serverRefused(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof org.eclipse.angus.mail.smtp.SMTPSendFailedException
                    || t instanceof org.eclipse.angus.mail.smtp.SMTPAddressFailedException) {
                return true;
            }
            if (t instanceof MailSendException send && send.getFailedMessages().values().stream()
                    .anyMatch(DeliveryService::serverRefused)) {
                return true;
            }
            if (t == t.getCause()) {
                break;
            }
        }
        return false;
    }

    private static boolean isPermanent(Throwable error) {
        if (error instanceof MailSendException send) {
            return send.getFailedMessages().values().stream().anyMatch(DeliveryService::rejectedRecipient)
                    || rejectedRecipient(send.getCause());
        }
        return error instanceof MailParseException;
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

    /**
     * Why a send failed, as logged, kept and published: the server's words with the recipient masked, and any
     * other address in them too.
     */
    static String reason(Throwable error, OutboundMail mail) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        message = Pattern.compile(Pattern.quote(mail.toMail()), Pattern.CASE_INSENSITIVE).matcher(message)
                .replaceAll(Matcher.quoteReplacement(masked(mail.toMail())));
        message = ADDRESS.matcher(message).replaceAll(found -> Matcher.quoteReplacement(masked(found.group())));
        return message.length() > 500 ? message.substring(0, 500) : message;
    }

    /**
     * The exception a transient failure is rethrown as: the masked reason, the failing class and SMTP return
     * code, and no cause, since the original's message and the failed messages it keeps name the recipient.
     */
    static TransientDeliveryException transientFailure(Throwable error, OutboundMail mail) {
        Throwable innermost = error;
        Integer returnCode = null;
        for (Throwable t : causes(error)) {
            innermost = t;
            Integer code = returnCode(t);
            returnCode = code != null ? code : returnCode;
        }
        return new TransientDeliveryException("Delivery " + mail.deliveryId() + " failed, will be retried: "
                + reason(error, mail) + " [" + innermost.getClass().getName()
                + (returnCode == null ? "" : ", SMTP " + returnCode) + "]");
    }

    /** The exception, its causes and, for a MailSendException, the failures of its messages, which are no cause. */
    private static List<Throwable> causes(Throwable error) {
        List<Throwable> found = new ArrayList<>();
        for (Throwable t = error; t != null && !found.contains(t); t = t.getCause()) {
            found.add(t);
            if (t instanceof MailSendException send) {
                for (Exception failed : send.getMessageExceptions()) {
                    for (Throwable f = failed; f != null && !found.contains(f); f = f.getCause()) {
                        found.add(f);
                    }
                }
            }
        }
        return found;
    }

    /**
     * The SMTP reply code the mail provider's exceptions carry ({@code SMTPSendFailedException} and its kin of
     * Angus Mail, a runtime dependency only, hence looked up by method).
     */
    private static Integer returnCode(Throwable error) {
        if (!(error instanceof MessagingException)) {
            return null;
        }
        try {
            return error.getClass().getMethod("getReturnCode").invoke(error) instanceof Integer code ? code : null;
        } catch (ReflectiveOperationException e) {
            return null;
        }
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

    private static Query sending(String deliveryId) {
        return Query.query(Criteria.where("_id").is(deliveryId).and("status").is(Delivery.Status.SENDING));
    }

    /** The pod (or host) name and a random part, so a restarted process never mistakes its predecessor's lease. */
    private static String instanceId() {
        String host = System.getenv("HOSTNAME");
        String name = host == null || host.isBlank() ? "pid-" + ProcessHandle.current().pid() : host;
        return name + "/" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * Interrupts the thread that opened it once the time is up, unless it was closed first, and never after it
     * was closed: the interrupt must not reach the pool thread's next send.
     */
    private static final class Deadline implements AutoCloseable {
        private final Thread thread = Thread.currentThread();
        private final Disposable timer;
        private boolean closed;
        private boolean expired;

        Deadline(Duration after) {
            this.timer = Schedulers.parallel().schedule(this::expire, Math.max(0, after.toMillis()), TimeUnit.MILLISECONDS);
        }

        private synchronized void expire() {
            if (!closed) {
                expired = true;
                thread.interrupt();
            }
        }

        synchronized boolean expired() {
            return expired;
        }

        @Override
        public void close() {
            timer.dispose();
            synchronized (this) {
                closed = true;
            }
            Thread.interrupted();
        }
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
