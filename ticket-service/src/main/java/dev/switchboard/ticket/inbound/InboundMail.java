package dev.switchboard.ticket.inbound;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import dev.switchboard.events.inbound.InboundAttachment;
import dev.switchboard.events.inbound.InboundEmailReceived;
import dev.switchboard.ticket.attachment.AttachmentFiles;
import dev.switchboard.ticket.ticket.MailReceipt;
import dev.switchboard.ticket.ticket.MailTickets;
import dev.switchboard.ticket.ticket.MailTickets.Handled;
import dev.switchboard.ticket.ticket.MailTickets.MailFile;
import dev.switchboard.ticket.ticket.MailTickets.MailMessage;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.publisher.Mono;

/**
 * Turns a message fetched from a tenant's mailbox into a customer reply on the ticket it answers ({@link Threads}) or
 * a new ticket with source {@code email}, exactly once ({@link MailTickets}), and answers the fetcher with
 * {@code InboundEmailHandled}. Its parts are the files account-service stored for the tenant; a part that is no
 * longer usable, skipped by the fetcher, or HTML too large to keep is named in a note instead.
 */
@Service
class InboundMail {

    private static final Logger log = LoggerFactory.getLogger(InboundMail.class);
    static final String HANDLED_METRIC = "switchboard.inbound.handled";

    private final MailTickets mail;
    private final Threads threads;
    private final Envelopes envelopes;
    private final AttachmentFiles files;
    private final InboundMailProperties properties;
    private final MeterRegistry meters;

    InboundMail(MailTickets mail, Threads threads, Envelopes envelopes, AttachmentFiles files,
                InboundMailProperties properties, MeterRegistry meters) {
        this.mail = mail;
        this.threads = threads;
        this.envelopes = envelopes;
        this.files = files;
        this.properties = properties;
        this.meters = meters;
    }

    Mono<Handled> receive(InboundEmailReceived event) {
        var receipt = new MailReceipt(event.getMetadata().getServiceId(), event.getMailboxId(), event.getUidValidity(),
                event.getUid(), MailTickets.messageId(event.getMessageId()), event.getMetadata().getCorrelationId(),
                event.getMailbox());
        return mail.importedAs(receipt).flatMap(earlier -> mail.duplicate(receipt, earlier))
                .switchIfEmpty(Mono.defer(() -> {
                    var customer = envelopes.open(event).customer();
                    return message(event, customer).flatMap(message -> threads.find(event)
                            .flatMap(match -> mail.reply(receipt, match.ticketId(), match.matchedBy(), message))
                            .switchIfEmpty(Mono.defer(() -> mail.open(receipt, message))));
                }))
                .doOnNext(handled -> {
                    meters.counter(HANDLED_METRIC, "outcome", handled.outcome(),
                            "matchedBy", handled.matchedBy() == null ? "none" : handled.matchedBy()).increment();
                    log.debug("Inbound message {}:{}:{} of {}: {} {}", receipt.mailboxId(), receipt.uidValidity(),
                            receipt.uid(), receipt.serviceId(), handled.outcome(), handled.ticketId());
                });
    }

    private Mono<MailMessage> message(InboundEmailReceived event, Envelope.Address customer) {
        String serviceId = event.getMetadata().getServiceId();
        List<InboundAttachment> parts = event.getAttachments() == null ? List.of() : event.getAttachments();
        Set<String> ids = new LinkedHashSet<>(parts.stream().map(InboundAttachment::getAttachmentId).toList());
        return files.usable(serviceId, ids).flatMap(usable -> {
            Set<String> missing = new LinkedHashSet<>(ids);
            missing.removeAll(usable.keySet());
            return missing.isEmpty() ? Mono.just(usable) : files.announced(missing).map(announced -> {
                missing.removeAll(announced);
                if (!missing.isEmpty()) {
                    // stored by the fetcher, its AttachmentUploaded still on its way: the retry topic comes back
                    throw new FilesNotAnnounced(event, missing);
                }
                return usable;
            });
        }).map(usable -> {
            List<MailFile> kept = new ArrayList<>();
            List<String> notes = new ArrayList<>();
            for (InboundAttachment part : parts) {
                if (usable.containsKey(part.getAttachmentId())) {
                    kept.add(new MailFile(part.getAttachmentId(), part.getContentId(), part.getInline()));
                } else {
                    notes.add("Not attached: " + part.getFileName() + ": no longer available");
                }
            }
            for (String skipped : event.getSkippedParts() == null ? List.<String>of() : event.getSkippedParts()) {
                notes.add("Not attached: " + skipped);
            }
            String html = event.getHtmlBody();
            if (html != null && html.length() > properties.maxHtmlLength()) {
                notes.add("The HTML version of this message (" + html.length()
                        + " characters) was too large to keep; its text is shown.");
                html = null;
            }
            return new MailMessage(event.getSubject(), event.getTextBody(), html,
                    customer == null ? null : customer.address(), customer == null ? null : customer.name(), kept,
                    notes);
        });
    }

    /** Parts the fetcher stored whose upload event has not reached this service yet; retried, not given up. */
    static final class FilesNotAnnounced extends IllegalStateException {
        FilesNotAnnounced(InboundEmailReceived event, Set<String> ids) {
            super("Inbound message " + event.getMailboxId() + ":" + event.getUidValidity() + ":" + event.getUid()
                    + " names files not announced yet: " + ids);
        }
    }
}
