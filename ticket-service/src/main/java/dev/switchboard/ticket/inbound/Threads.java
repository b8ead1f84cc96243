package dev.switchboard.ticket.inbound;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.stereotype.Component;

import dev.switchboard.events.inbound.InboundEmailReceived;
import dev.switchboard.ticket.ticket.MailTickets;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Finds the ticket an inbound message answers, always among its own tenant's tickets: first by the Message-IDs it
 * answers (In-Reply-To, then References from the newest), when one is ours (a mail sent for a ticket, or a message
 * that became one); then by a ticket token {@code [T…]} in the subject. Another tenant's ticket is never found, so
 * a forged token or Message-ID makes a new ticket.
 */
@Component
class Threads {

    /** A References header can be long; the newest ones are what a reply answers. */
    static final int MAX_REFERENCES = 50;
    static final int MAX_TOKENS = 5;

    private static final Pattern TOKEN = Pattern.compile("\\[(T\\d{13}[A-Za-z]{5})]");
    /** The Message-IDs notification-service gives its mail: {@code <ticketId.ack@domain>}, {@code <ticketId.replyId@domain>}. */
    private static final Pattern OURS = Pattern.compile("<(T\\d{13}[A-Za-z]{5})\\.([A-Za-z0-9]+)@([^<>@\\s]+)>");
    private static final String ACKNOWLEDGEMENT = "ack";

    /** The ticket a message answers and how it was found. */
    record Match(String ticketId, String matchedBy) {
    }

    private record Candidate(String messageId, String matchedBy) {
    }

    private final MailTickets mail;
    private final InboundMailProperties properties;

    Threads(MailTickets mail, InboundMailProperties properties) {
        this.mail = mail;
        this.properties = properties;
    }

    Mono<Match> find(InboundEmailReceived event) {
        String serviceId = event.getMetadata().getServiceId();
        List<Candidate> candidates = candidates(event);
        return mail.threadedBy(serviceId, candidates.stream().map(Candidate::messageId).toList())
                .flatMap(recorded -> Flux.fromIterable(candidates)
                        .concatMap(candidate -> ours(serviceId, candidate.messageId())
                                .switchIfEmpty(Mono.justOrEmpty(recorded.get(candidate.messageId())))
                                .map(ticketId -> new Match(ticketId, candidate.matchedBy())))
                        .next())
                .switchIfEmpty(Flux.fromIterable(tokens(event.getSubject()))
                        .concatMap(token -> mail.exists(serviceId, token).filter(Boolean::booleanValue)
                                .map(found -> new Match(token, MailTickets.SUBJECT_TOKEN)))
                        .next());
    }

    /** In-Reply-To, then References newest first (at most {@value #MAX_REFERENCES}); each Message-ID once. */
    private static List<Candidate> candidates(InboundEmailReceived event) {
        List<Candidate> candidates = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        String inReplyTo = MailTickets.messageId(event.getInReplyTo());
        if (inReplyTo != null && seen.add(inReplyTo)) {
            candidates.add(new Candidate(inReplyTo, MailTickets.IN_REPLY_TO));
        }
        List<String> references = event.getReferences() == null ? List.of() : event.getReferences();
        int taken = 0;
        for (int i = references.size() - 1; i >= 0 && taken < MAX_REFERENCES; i--, taken++) {
            String reference = MailTickets.messageId(references.get(i));
            if (reference != null && seen.add(reference)) {
                candidates.add(new Candidate(reference, MailTickets.REFERENCES));
            }
        }
        return candidates;
    }

    /**
     * The tenant's ticket a Message-ID in one of the forms our mail carries names, checked against the ticket, so a
     * reply threads even before the {@code EmailSent} of the mail it answers was consumed.
     */
    private Mono<String> ours(String serviceId, String messageId) {
        Matcher ours = OURS.matcher(messageId);
        if (!ours.matches() || !ours.group(3).equalsIgnoreCase(properties.messageIdDomain())) {
            return Mono.empty();
        }
        String ticketId = ours.group(1);
        String part = ours.group(2);
        Mono<Boolean> known = ACKNOWLEDGEMENT.equals(part) ? mail.exists(serviceId, ticketId)
                : mail.hasReply(serviceId, ticketId, part);
        return known.filter(Boolean::booleanValue).map(found -> ticketId);
    }

    private static List<String> tokens(String subject) {
        Set<String> tokens = new LinkedHashSet<>();
        if (subject != null) {
            Matcher matcher = TOKEN.matcher(subject);
            while (matcher.find() && tokens.size() < MAX_TOKENS) {
                tokens.add(matcher.group(1));
            }
        }
        return List.copyOf(tokens);
    }
}
