package dev.switchboard.notification.delivery;

import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.bson.Document;
import org.bson.types.Binary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.mail.MailAuthenticationException;
import org.springframework.mail.MailException;
import org.springframework.mail.MailParseException;
import org.springframework.mail.MailPreparationException;
import org.springframework.mail.MailSendException;
import org.springframework.mail.javamail.ConfigurableMimeFileTypeMap;
import org.springframework.mail.javamail.MimeMessageHelper;
import org.springframework.stereotype.Service;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.reactivestreams.client.MongoCollection;

import dev.switchboard.events.EventMetadata;
import dev.switchboard.events.mailbox.ExternalAccountDisabled;
import dev.switchboard.events.notification.EmailFailed;
import dev.switchboard.events.notification.EmailSent;
import dev.switchboard.notification.config.NotificationProperties;
import dev.switchboard.platform.events.EventMetadataFactory;
import dev.switchboard.platform.events.EventPublisher;
import dev.switchboard.platform.events.UndecodableEventException;
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
 * The mail queue: every mail Switchboard owes is one document in the delivery log, written when its event
 * arrives and sent by {@link MailDispatcher} when due, once per delivery id, as far as SMTP allows.
 *
 * <p>An event only <em>enqueues</em> its mail (one upsert keyed by the delivery id, so a redelivered event adds
 * nothing). The log keeps the event itself, not a rendered mail: the customer's address stays sealed as
 * ticket-service sealed it, and the mail is rendered with the tenant's settings as they are when it is sent.
 * The new delivery is leased to the instance that enqueued it (its first attempt), which sends it without
 * querying for it; only when that instance dies does the lease run out and another claim it.
 *
 * <p>A sender <em>claims</em> a due delivery: it records itself as {@code owner}, a {@code leaseUntil}, the
 * attempt's start and one more {@code attempts}, in one findAndModify, so of two instances one wins. The lease
 * outlasts the whole attempt (file fetch and {@code relay.sendTimeout}, enforced by interrupting the sending
 * thread), so only a lease whose sender died runs out, and only then is the delivery claimed again. A transient
 * failure (a 4xx reply, a timeout, a refused connection, a failed login) gives the lease back with the next
 * attempt's time, backing off exponentially, until {@code sending.retry.giveUpAfter}; a permanent one (a 5xx
 * reply, a mail that cannot be built) is recorded and published as {@code EmailFailed} with the server's reply.
 *
 * <p>What SMTP leaves possible, and what is done about it: the server takes a mail when it answers the final
 * {@code .} of DATA; a sender that dies around that moment cannot know whether it did. Just before sending the
 * {@code .} the attempt records {@code committingAttempt} ({@link SmtpPool.CommitPoint}); a claim that finds it
 * does not send again but records the mail as sent. So a crash duplicates nothing; the price is that a sender
 * dying in the instant between that write and the {@code .} reaching the server loses that one mail (the window
 * is one socket write, against the whole reply-and-record round trip that duplicated mails before). A refusal
 * the server itself answers clears the marker, so it is retried. Every copy also carries the same Message-ID.
 *
 * <p>Writes about one delivery name its {@code _id} alone wherever that keeps the guarantees, so each is one
 * index lookup (the Mongo wire server the local stack and the benchmark run answers nothing else from an
 * index): the commit point reads the lease it replaces in the same findAndModify, and {@code EmailSent} is
 * published before the delivery is marked sent, with an event id fixed by the delivery, so a sender taking over
 * after a crash publishes the same event again and consumers drop the copy. Only when the broker does not
 * acknowledge it does {@code EmailSent} go through the outbox.
 */
@Service
class DeliveryService {

    private static final Logger log = LoggerFactory.getLogger(DeliveryService.class);

    /** How long recording the commit point may take before the send is aborted (nothing handed over yet). */
    private static final Duration COMMIT_POINT_WRITE = Duration.ofSeconds(5);
    /** How long the broker may take to acknowledge {@code EmailSent} before it is left to the outbox. */
    private static final Duration PUBLISH_WAIT = Duration.ofSeconds(5);
    /**
     * Jakarta Mail 2.1 looks up its {@code StreamProvider} through the ServiceLoader, reading the services files of
     * every jar, for each MIME part it creates or writes (jakartaee/mail-api#699, #861): a tenth of the CPU a mail
     * took. Named as a system property, the lookup is one class load.
     */
    static final String STREAM_PROVIDER = "org.eclipse.angus.mail.util.MailStreamProvider";
    /** Anything that looks like a mail address in a server reply. */
    private static final Pattern ADDRESS = Pattern.compile("[^\\s<>\"'(),;:\\[\\]]+@[^\\s<>\"'(),;:\\[\\]]+");

    private final ReactiveMongoTemplate mongo;
    private final MailTransports transports;
    private final TicketMail tickets;
    private final AdministratorNotices notices;
    private final EventMetadataFactory metadata;
    private final Outbox outbox;
    private final OutboxRelay outboxRelay;
    private final EventPublisher publisher;
    private final MailSendPool pool;
    private final Duration sendTimeout;
    private final Duration lease;
    private final NotificationProperties.Retry retry;
    private final FileTypeMap fileTypes;
    private final String owner = instanceId();
    private final Clock clock;

    @Autowired
    DeliveryService(ReactiveMongoTemplate mongo, MailTransports transports, TicketMail tickets,
                    AdministratorNotices notices, EventMetadataFactory metadata, Outbox outbox,
                    OutboxRelay outboxRelay, EventPublisher publisher, MailSendPool pool,
                    NotificationProperties properties) {
        this(mongo, transports, tickets, notices, metadata, outbox, outboxRelay, publisher, pool, properties,
                Clock.systemUTC());
    }

    DeliveryService(ReactiveMongoTemplate mongo, MailTransports transports, TicketMail tickets,
                    AdministratorNotices notices, EventMetadataFactory metadata, Outbox outbox,
                    OutboxRelay outboxRelay, EventPublisher publisher, MailSendPool pool,
                    NotificationProperties properties, Clock clock) {
        this.mongo = mongo;
        this.transports = transports;
        this.tickets = tickets;
        this.notices = notices;
        this.metadata = metadata;
        this.outbox = outbox;
        this.outboxRelay = outboxRelay;
        this.publisher = publisher;
        this.pool = pool;
        this.sendTimeout = properties.relay().sendTimeout();
        this.lease = properties.sending().lease();
        this.retry = properties.sending().retry();
        this.clock = clock;
        var types = new ConfigurableMimeFileTypeMap();
        types.afterPropertiesSet();
        // one map for every mail: building it reads the MIME type files of every jar
        this.fileTypes = types;
        System.getProperties().putIfAbsent(jakarta.mail.util.StreamProvider.class.getName(), STREAM_PROVIDER);
    }

    /**
     * Records a mail as owed, leased to this instance for its first attempt: the delivery to hand to the dispatcher.
     * Empty when the delivery id was known (a redelivered event): nothing changes then, whatever state the delivery
     * is in. Should this instance die before sending it, the lease runs out and another instance claims it.
     */
    Mono<Delivery> enqueue(Owed owed) {
        var now = clock.instant();
        var leased = new Delivery(owed.deliveryId(), owed.serviceId(), owed.ticketId(), owed.purpose(), null, null,
                Delivery.Status.SENDING, owed.eventType(), owed.event(), owed.eventAt(), owed.correlationId(), now,
                owner, now.plus(lease), 1, now, null, null, null, now, now, null, List.of());
        // the document as the template maps a Delivery (enum names, dates, binary), written without its mapping:
        // one of three writes per mail
        var fields = new Document("serviceId", leased.serviceId()).append("ticketId", leased.ticketId())
                .append("purpose", leased.purpose()).append("eventType", leased.eventType())
                .append("event", leased.event() == null ? null : new Binary(leased.event()))
                .append("eventAt", date(leased.eventAt())).append("correlationId", leased.correlationId())
                .append("status", leased.status().name()).append("owner", leased.owner())
                .append("leaseUntil", date(leased.leaseUntil())).append("attempts", leased.attempts())
                .append("attemptStartedAt", date(leased.attemptStartedAt()))
                .append("nextAttemptAt", date(leased.nextAttemptAt())).append("createdAt", date(leased.createdAt()))
                .append("updatedAt", date(leased.updatedAt())).append("pendingEvents", List.of());
        return deliveries().flatMap(collection -> Mono.from(collection.updateOne(idIs(owed.deliveryId()),
                        new Document("$setOnInsert", fields), new UpdateOptions().upsert(true))))
                .filter(result -> result.getUpsertedId() != null)
                .map(inserted -> leased)
                // two copies of one event racing: the other inserted it
                .onErrorResume(DeliveryService::duplicateKey, e -> Mono.empty());
    }

    /**
     * Claims the delivery due longest, of a tenant not in {@code excluded}: a new one, one whose retry time came,
     * or one whose sender died (its lease ran out). Empty when there is none.
     */
    Mono<Delivery> claimNext(Collection<String> excluded) {
        var now = clock.instant();
        var criteria = Criteria.where("status").is(Delivery.Status.SENDING).and("nextAttemptAt").lte(now)
                .orOperator(Criteria.where("leaseUntil").lte(now), Criteria.where("leaseUntil").isNull());
        if (!excluded.isEmpty()) {
            criteria = criteria.and("serviceId").nin(excluded);
        }
        var update = new Update().set("owner", owner).set("leaseUntil", now.plus(lease)).inc("attempts", 1)
                .set("attemptStartedAt", now).set("updatedAt", now);
        return mongo.findAndModify(Query.query(criteria).with(Sort.by("nextAttemptAt")), update,
                FindAndModifyOptions.options().returnNew(true), Delivery.class);
    }

    /**
     * Takes the lease of a claimed delivery anew before its attempt starts: it waited for a sender (its tenant's
     * share busy, or over its rate) so long that its attempt would start with little of its time left. Empty when
     * the lease was lost meanwhile (run out and claimed by another instance, or the mail settled).
     *
     * <p>The write names the delivery alone and returns what it replaced, so the lease is checked in the same
     * atomic step; when it was lost, only the new owner's lease was lengthened.
     */
    Mono<Delivery> renew(Delivery claimed) {
        var now = clock.instant();
        var query = byId(claimed.deliveryId());
        query.fields().include("status", "owner", "attempts");
        var update = new Update().set("leaseUntil", now.plus(lease)).set("attemptStartedAt", now).set("updatedAt", now);
        return mongo.findAndModify(query, update, Delivery.class)
                .filter(before -> heldBy(before, claimed))
                .map(before -> claimed.renewed(now, now.plus(lease)))
                .switchIfEmpty(Mono.fromRunnable(() -> log.info("Delivery {}: its lease ran out while it waited for a "
                        + "sender; whoever holds it now sends it", claimed.deliveryId())));
    }

    /**
     * Gives claimed deliveries back without counting their attempt, due again at once, for another instance to
     * send: this one is stopping. One write for all.
     */
    Mono<Void> giveBack(Collection<Delivery> claimed) {
        if (claimed.isEmpty()) {
            return Mono.empty();
        }
        var now = clock.instant();
        var ids = claimed.stream().map(Delivery::deliveryId).toList();
        // each was claimed once by this instance; a lease that ran out and was taken by another is not this owner's
        var mine = Query.query(Criteria.where("_id").in(ids).and("status").is(Delivery.Status.SENDING)
                .and("owner").is(owner));
        var update = new Update().set("leaseUntil", now).set("nextAttemptAt", now).inc("attempts", -1)
                .set("updatedAt", now);
        return mongo.updateMulti(mine, update, Delivery.class).then();
    }

    /**
     * One attempt at a claimed delivery; completes when its outcome is recorded. Fails only when recording
     * failed: the lease then stays and runs out, and the delivery is claimed again. {@code serverDone} runs as soon
     * as the mail server is done with the attempt (it took the mail, refused it or could not be reached), before the
     * outcome is recorded: the server is free for the tenant's next mail while this one's outcome is written. An
     * attempt that reaches no server does not call it.
     */
    Mono<Void> attempt(Delivery claimed, Runnable serverDone) {
        if (claimed.committingAttempt() != null) {
            // the sender before died between the commit point and recording the outcome: the server most
            // likely has the mail, and sending it again is the duplicate this marker exists to prevent
            log.warn("Delivery {} attempt {} had reached the SMTP commit point when its sender stopped; "
                    + "treated as sent, not sent again", claimed.deliveryId(), claimed.committingAttempt());
            return markSent(claimed, claimed.transport(), claimed.recipient(), claimed.messageId());
        }
        if (claimed.event() == null) {
            return markFailed(claimed, null, claimed.recipient(), "The delivery keeps no event to build its mail from");
        }
        return render(claimed)
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty())
                .flatMap(mail -> mail.isEmpty()
                        ? markFailed(claimed, null, claimed.recipient(), "Nothing to send: the event names no recipient")
                        : transports.transportFor(claimed.serviceId())
                                .flatMap(transport -> send(claimed, mail.get(), transport, serverDone)))
                .onErrorResume(UndecodableEventException.class,
                        e -> markFailed(claimed, null, claimed.recipient(), e.getMessage()))
                .onErrorResume(e -> !(e instanceof RecordingFailed), e -> retryLater(claimed, null, null,
                        e.getClass().getSimpleName() + ": " + e.getMessage(), false));
    }

    /** The mail a delivery owes, built from the event it keeps; empty when there is nobody to mail. */
    private Mono<OutboundMail> render(Delivery claimed) {
        if (ExternalAccountDisabled.getClassSchema().getFullName().equals(claimed.eventType())) {
            return notices.render(claimed);
        }
        return tickets.render(claimed);
    }

    private Mono<Void> send(Delivery claimed, OutboundMail mail, MailTransport transport, Runnable serverDone) {
        String recipient = masked(mail.toMail());
        return smtp(claimed, mail, transport).materialize().doOnNext(outcome -> serverDone.run()).flatMap(outcome -> {
            if (!outcome.isOnError()) {
                return markSent(claimed, transport.name(), recipient, mail.messageId());
            }
            Throwable error = outcome.getThrowable();
            if (error instanceof RecordingFailed) {
                return Mono.error(error);
            }
            String reason = reason(error, mail) + describe(error);
            if (isPermanent(error)) {
                return markFailed(claimed, transport.name(), recipient, reason);
            }
            return retryLater(claimed, transport.name(), recipient, reason, serverRefused(error));
        });
    }

    // SMTP is blocking I/O: it runs on the bounded mail-send pool, never on an event loop. The deadline counts
    // from the lease's start, so the send is over (or cut off) well before the lease runs out.
    private Mono<Void> smtp(Delivery claimed, OutboundMail mail, MailTransport transport) {
        return Mono.<Void>fromRunnable(() -> {
            var left = sendTimeout.minus(Duration.between(claimed.attemptStartedAt(), clock.instant()));
            try (var deadline = new Deadline(left.isNegative() ? Duration.ZERO : left)) {
                try {
                    transport.pool().send(message(mail, transport),
                            () -> reachCommitPoint(claimed, transport, mail));
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
     *
     * <p>The write names the delivery alone and returns what it replaced, so the lease is checked in the same atomic
     * step; a lease found lost has its marker taken back (the owner now may be sending, or have reached the commit
     * point itself), and the send is aborted.
     */
    private void reachCommitPoint(Delivery claimed, MailTransport transport, OutboundMail mail) throws MessagingException {
        Document before;
        try {
            var update = new Document("$set", new Document("committingAttempt", claimed.attempts())
                    .append("transport", transport.name()).append("recipient", masked(mail.toMail()))
                    .append("messageId", mail.messageId()).append("updatedAt", date(clock.instant())));
            var options = new FindOneAndUpdateOptions().projection(new Document("status", 1).append("owner", 1)
                    .append("attempts", 1).append("committingAttempt", 1));
            before = deliveries().flatMap(collection -> Mono.from(collection.findOneAndUpdate(
                    idIs(claimed.deliveryId()), update, options))).block(COMMIT_POINT_WRITE);
        } catch (RuntimeException e) {
            throw new MessagingException("Could not record the commit point of delivery " + claimed.deliveryId()
                    + "; not handing the mail over: " + e.getMessage());
        }
        if (before == null || !heldBy(before, claimed)) {
            if (before != null) {
                takeBackCommitPoint(claimed, number(before.get("committingAttempt")));
            }
            throw new MessagingException("The lease of delivery " + claimed.deliveryId() + " was lost; not handing the mail over");
        }
    }

    /** Whether the lease a delivery document shows is the one taken with this claim. */
    private boolean heldBy(Document current, Delivery claimed) {
        return Delivery.Status.SENDING.name().equals(current.getString("status"))
                && owner.equals(current.getString("owner"))
                && Integer.valueOf(claimed.attempts()).equals(number(current.get("attempts")));
    }

    private boolean heldBy(Delivery current, Delivery claimed) {
        return current.status() == Delivery.Status.SENDING && owner.equals(current.owner())
                && current.attempts() == claimed.attempts();
    }

    /** Restores the marker a lost lease's commit point replaced, unless the lease's owner has set its own since. */
    private void takeBackCommitPoint(Delivery claimed, Integer replaced) {
        var ours = Query.query(Criteria.where("_id").is(claimed.deliveryId()).and("committingAttempt").is(claimed.attempts()));
        var restore = replaced == null ? new Update().unset("committingAttempt") : new Update().set("committingAttempt", replaced);
        try {
            mongo.updateFirst(ours, restore, Delivery.class).block(COMMIT_POINT_WRITE);
        } catch (RuntimeException e) {
            log.warn("Delivery {}: could not take back the commit point of a lost lease: {}", claimed.deliveryId(), e.toString());
        }
    }

    /**
     * The server has the mail: that is the outcome whoever holds the lease now, so the write names the delivery
     * alone. {@code EmailSent} goes out first, with an id fixed by the delivery; marked sent only after, a delivery
     * whose sender died in between is taken over and publishes the same event again.
     */
    private Mono<Void> markSent(Delivery claimed, String transport, String recipient, String messageId) {
        var now = clock.instant();
        var event = EmailSent.newBuilder()
                .setMetadata(EventMetadata.newBuilder(metadata.create(claimed.serviceId(), correlationId(claimed)))
                        .setEventId(sentEventId(claimed.deliveryId())).build())
                .setDeliveryId(claimed.deliveryId()).setPurpose(claimed.purpose()).setTicketId(claimed.ticketId())
                .setMessageId(messageId == null ? "" : messageId)
                .setRecipient(domainOnly(recipient)).setRecipientDomain(domainOf(recipient)).setSentAt(now)
                .setTransport(transport).setAttempts(claimed.attempts()).setLatencyMillis(latency(claimed, now))
                .build();
        var set = new Document("status", Delivery.Status.SENT.name()).append("updatedAt", date(now))
                .append("sentAt", date(now)).append("transport", transport).append("recipient", recipient)
                .append("messageId", messageId);
        var unset = new Document("lastError", "").append("event", "");
        Mono<Boolean> published = publisher.publish(claimed.deliveryId(), event)
                .timeout(PUBLISH_WAIT)
                .thenReturn(true)
                .onErrorResume(e -> {
                    log.warn("EmailSent of delivery {} not acknowledged by the broker; left to the outbox: {}",
                            claimed.deliveryId(), e.toString());
                    return Mono.just(false);
                });
        return record(published.flatMap(done -> {
            if (done) {
                return deliveries().flatMap(collection -> Mono.from(collection.updateOne(idIs(claimed.deliveryId()),
                        new Document("$set", set).append("$unset", unset)))).then();
            }
            var update = new Update().push("pendingEvents", outbox.pending(claimed.deliveryId(), event));
            set.forEach(update::set);
            unset.keySet().forEach(update::unset);
            return mongo.updateFirst(byId(claimed.deliveryId()), update, Delivery.class)
                    .then(outboxRelay.relay(Delivery.COLLECTION, claimed.deliveryId()));
        }));
    }

    /** The one id of a delivery's {@code EmailSent}, however often it is published. */
    static String sentEventId(String deliveryId) {
        return UUID.nameUUIDFromBytes(("EmailSent " + deliveryId).getBytes(StandardCharsets.UTF_8)).toString();
    }

    private Mono<Void> markFailed(Delivery claimed, String transport, String recipient, String reason) {
        log.warn("Delivery {} failed permanently after {} attempt(s): {}", claimed.deliveryId(), claimed.attempts(), reason);
        var now = clock.instant();
        var event = EmailFailed.newBuilder()
                .setMetadata(metadata.create(claimed.serviceId(), correlationId(claimed)))
                .setDeliveryId(claimed.deliveryId()).setPurpose(claimed.purpose()).setTicketId(claimed.ticketId())
                .setRecipient(recipient == null ? null : domainOnly(recipient))
                .setRecipientDomain(recipient == null ? null : domainOf(recipient))
                .setReason(reason).setFailedAt(now).setTransport(transport).setAttempts(claimed.attempts())
                .setLatencyMillis(latency(claimed, now))
                .build();
        var update = new Update().set("status", Delivery.Status.FAILED).set("lastError", reason).set("updatedAt", now)
                .set("transport", transport).unset("event")
                .push("pendingEvents", outbox.pending(claimed.deliveryId(), event));
        if (recipient != null) {
            update.set("recipient", recipient);
        }
        return record(mongo.updateFirst(mine(claimed), update, Delivery.class)
                .then(outboxRelay.relay(Delivery.COLLECTION, claimed.deliveryId())));
    }

    /**
     * Gives the lease back after a transient failure with the next attempt's time, or gives up once the next
     * attempt would come after {@code retry.giveUpAfter} from the first.
     */
    private Mono<Void> retryLater(Delivery claimed, String transport, String recipient, String reason,
                                  boolean serverRefused) {
        var now = clock.instant();
        Duration backoff = retry.backoff(claimed.attempts());
        if (Duration.between(claimed.createdAt(), now.plus(backoff)).compareTo(retry.giveUpAfter()) > 0) {
            return markFailed(claimed, transport, recipient, "Gave up after " + claimed.attempts()
                    + " attempts over " + Duration.between(claimed.createdAt(), now).toMinutes() + " min: " + reason);
        }
        log.warn("Delivery {} attempt {} failed, retried in {}: {}", claimed.deliveryId(), claimed.attempts(),
                backoff, reason);
        var update = new Update().set("lastError", reason).set("leaseUntil", now).set("nextAttemptAt", now.plus(backoff))
                .set("updatedAt", now);
        if (serverRefused) {
            // the server answered the final '.' (or an earlier step) with a refusal: it does not have the mail
            update.unset("committingAttempt");
        }
        return record(mongo.updateFirst(mine(claimed), update, Delivery.class).then());
    }

    private static Mono<Void> record(Mono<Void> write) {
        return write.onErrorMap(e -> !(e instanceof RecordingFailed), RecordingFailed::new);
    }

    MimeMessage message(OutboundMail mail, MailTransport transport) {
        try {
            return build(mail, transport.pool().session());
        } catch (MessagingException e) {
            // e.g. an address that does not parse: it never will, so a permanent failure
            throw new MailParseException(e);
        } catch (UnsupportedEncodingException e) {
            throw new MailPreparationException(e);
        }
    }

    private MimeMessage build(OutboundMail mail, Session session) throws MessagingException, UnsupportedEncodingException {
        MimeMessage message = new FixedIdMimeMessage(session, mail.messageId());
        var helper = helper(message);
        helper.setFrom(new InternetAddress(mail.fromMail(), MailRenderer.oneLine(mail.fromName()), "UTF-8"));
        helper.setTo(new InternetAddress(mail.toMail(), MailRenderer.oneLine(mail.toName()), "UTF-8"));
        if (mail.replyTo() != null) {
            helper.setReplyTo(new InternetAddress(mail.replyTo(), MailRenderer.oneLine(mail.fromName()), "UTF-8"));
        }
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

    /** A helper on the one shared MIME type map: a plain helper would load a new one for each mail. */
    MimeMessageHelper helper(MimeMessage message) throws MessagingException {
        FileTypeMap shared = fileTypes;
        return new MimeMessageHelper(message, true, "UTF-8") {
            @Override
            protected FileTypeMap getDefaultFileTypeMap(MimeMessage mimeMessage) {
                return shared;
            }
        };
    }

    private Long latency(Delivery claimed, Instant now) {
        return claimed.eventAt() == null ? null : Math.max(0, Duration.between(claimed.eventAt(), now).toMillis());
    }

    private static String correlationId(Delivery claimed) {
        return claimed.correlationId() == null ? claimed.deliveryId() : claimed.correlationId();
    }

    /** A failure to record an attempt's outcome: the lease stays, and runs out before the delivery is retried. */
    private static final class RecordingFailed extends RuntimeException {
        RecordingFailed(Throwable cause) {
            super("Could not record a delivery's outcome: " + cause.getMessage(), cause);
        }
    }

    /** A mail owed: what caused it, kept until it is sent. */
    record Owed(String deliveryId, String serviceId, String ticketId, String purpose, String eventType, byte[] event,
                Instant eventAt, String correlationId) {
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

    /**
     * A permanent failure: the server refused with a 5xx reply (a rejected recipient or sender, a mail it will
     * not take), or the mail cannot be built. A failed login is not one: it is the tenant's settings, which
     * can be fixed while the mail is retried.
     */
    static boolean isPermanent(Throwable error) {
        if (error instanceof MailAuthenticationException) {
            return false;
        }
        Integer code = replyCode(error);
        if (code != null && code >= 500 && code < 600 && serverRefused(error)) {
            return true;
        }
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

    /** The failing class and SMTP return code, for the log and the delivery's last error. */
    static String describe(Throwable error) {
        Throwable innermost = error;
        Integer returnCode = null;
        for (Throwable t : causes(error)) {
            innermost = t;
            Integer code = returnCode(t);
            returnCode = code != null ? code : returnCode;
        }
        return " [" + innermost.getClass().getName() + (returnCode == null ? "" : ", SMTP " + returnCode) + "]";
    }

    /** The SMTP reply code of the server's answer to this failure, if the server answered. */
    static Integer replyCode(Throwable error) {
        Integer returnCode = null;
        for (Throwable t : causes(error)) {
            Integer code = returnCode(t);
            returnCode = code != null ? code : returnCode;
        }
        return returnCode;
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

    private Mono<MongoCollection<Document>> deliveries() {
        return mongo.getCollection(Delivery.COLLECTION);
    }

    private static Document idIs(String deliveryId) {
        return new Document("_id", deliveryId);
    }

    private static Date date(Instant instant) {
        return instant == null ? null : Date.from(instant);
    }

    /** A count as stored, whichever integer type the server kept it as. */
    private static Integer number(Object stored) {
        return stored instanceof Number number ? number.intValue() : null;
    }

    private static boolean duplicateKey(Throwable error) {
        return error instanceof DuplicateKeyException || error instanceof MongoWriteException write
                && write.getError().getCategory() == ErrorCategory.DUPLICATE_KEY;
    }

    private static Query byId(String deliveryId) {
        return Query.query(Criteria.where("_id").is(deliveryId));
    }

    /** The delivery while the lease taken with this claim is still this instance's. */
    private Query mine(Delivery claimed) {
        return sending(claimed.deliveryId()).addCriteria(Criteria.where("owner").is(owner)
                .and("attempts").is(claimed.attempts()));
    }

    /** The masked form without even the first character: what analytics sees ({@code ***@example.com}). */
    static String domainOnly(String masked) {
        String domain = domainOf(masked);
        return domain == null ? "***" : "***@" + domain;
    }

    static String domainOf(String address) {
        if (address == null) {
            return null;
        }
        int at = address.lastIndexOf('@');
        return at < 0 || at == address.length() - 1 ? null : address.substring(at + 1).toLowerCase(Locale.ROOT);
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
