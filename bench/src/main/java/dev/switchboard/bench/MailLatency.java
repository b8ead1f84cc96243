package dev.switchboard.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.bson.Document;

import com.icegreen.greenmail.store.StoredMessage;
import com.icegreen.greenmail.util.GreenMail;
import com.mongodb.client.MongoClient;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;

import jakarta.mail.MessagingException;

/**
 * Joins what the SMTP server received with when the tickets and answers were made: the acknowledgement of a ticket
 * has the Message-ID {@code <ticketId.ack@...>}, an answer {@code <ticketId.replyId@...>}.
 */
final class MailLatency {

    /** Latencies in ms, sorted; {@code spanMillis} from the first trigger to the last mail. */
    record Result(int expected, List<Long> latencies, long spanMillis, long firstTrigger, long lastMail) {

        long percentile(double p) {
            if (latencies.isEmpty()) {
                return -1;
            }
            int index = (int) Math.ceil(p / 100.0 * latencies.size()) - 1;
            return latencies.get(Math.max(0, Math.min(index, latencies.size() - 1)));
        }

        long within(long millis) {
            return latencies.stream().filter(latency -> latency <= millis).count();
        }

        /** Mails a second from the first trigger to the last mail: the pipeline's sustained rate. */
        double perSecond() {
            return spanMillis <= 0 ? 0 : latencies.size() * 1000.0 / spanMillis;
        }
    }

    private final GreenMail mail;
    private final MongoClient mongo;
    /**
     * The Message-ID local part and arrival of each stored mail seen before: the benchmark polls every second while
     * it waits for mail, in the JVM whose CPU it counts, so each mail is parsed once, not on every poll.
     */
    private final Map<StoredMessage, Arrival> seen = new IdentityHashMap<>();

    private record Arrival(String key, long received) {
    }

    MailLatency(GreenMail mail, MongoClient mongo) {
        this.mail = mail;
        this.mongo = mongo;
    }

    /** When each ticket of a run was created, by ticket id (epoch ms). */
    Map<String, Long> tickets(String runId) {
        Map<String, Long> created = new HashMap<>();
        tickets().find(Filters.regex("subject", "^" + Pattern.quote("Bench " + runId + " #")))
                .projection(Projections.include("_id", "createdAt"))
                .forEach(doc -> created.put(doc.getString("_id"), doc.getDate("createdAt").getTime()));
        return created;
    }

    /** When each answer to the given tickets was made, by {@code ticketId.replyId} (epoch ms). */
    Map<String, Long> replies(java.util.Collection<String> ticketIds) {
        Map<String, Long> created = new HashMap<>();
        tickets().find(Filters.in("_id", ticketIds)).projection(Projections.include("_id", "replies"))
                .forEach(doc -> doc.getList("replies", Document.class, List.of()).forEach(reply -> {
                    if (reply.getDate("createdAt") != null) {
                        created.put(doc.getString("_id") + "." + reply.getString("replyId"),
                                reply.getDate("createdAt").getTime());
                    }
                }));
        return created;
    }

    /**
     * The latency of each mail whose Message-ID local part is a key of {@code triggers}, from its trigger to its
     * arrival in the SMTP server.
     */
    Result measure(Map<String, Long> triggers) throws MessagingException {
        List<Long> latencies = new ArrayList<>();
        long lastMail = 0;
        for (StoredMessage stored : mail.getManagers().getImapHostManager().getAllMessages()) {
            Arrival arrival = seen.get(stored);
            if (arrival == null) {
                arrival = new Arrival(localPart(stored.getMimeMessage().getMessageID()), stored.getReceivedDate().getTime());
                seen.put(stored, arrival);
            }
            Long trigger = arrival.key() == null ? null : triggers.get(arrival.key());
            if (trigger != null) {
                latencies.add(arrival.received() - trigger);
                lastMail = Math.max(lastMail, arrival.received());
            }
        }
        latencies.sort(null);
        long first = triggers.values().stream().mapToLong(Long::longValue).min().orElse(0);
        return new Result(triggers.size(), latencies, lastMail - first, first, lastMail);
    }

    /**
     * Where the acknowledgements of these tickets spent their time, from notification-service's delivery log: from
     * the ticket's event to the mail owed (the topic and the consumer) and from then to sent (waiting for a sender,
     * rendering, SMTP, the outcome recorded); latencies in ms, sorted.
     */
    Stages stages(java.util.Collection<String> ticketIds) {
        List<Long> queued = new ArrayList<>();
        List<Long> sending = new ArrayList<>();
        mongo.getDatabase("switchboard-notification").getCollection("deliveries")
                .find(Filters.and(Filters.in("ticketId", ticketIds), Filters.eq("status", "SENT")))
                .projection(Projections.include("eventAt", "createdAt", "sentAt"))
                .forEach(doc -> {
                    var eventAt = doc.getDate("eventAt");
                    var owedAt = doc.getDate("createdAt");
                    var sentAt = doc.getDate("sentAt");
                    if (eventAt != null && owedAt != null && sentAt != null) {
                        queued.add(owedAt.getTime() - eventAt.getTime());
                        sending.add(sentAt.getTime() - owedAt.getTime());
                    }
                });
        queued.sort(null);
        sending.sort(null);
        return new Stages(new Result(ticketIds.size(), queued, 0, 0, 0), new Result(ticketIds.size(), sending, 0, 0, 0));
    }

    /** The two halves of the acknowledgements' latency; see {@link #stages}. */
    record Stages(Result queued, Result sending) {
    }

    /** {@code <a.b@host>} -> {@code a.b}. */
    private static String localPart(String messageId) {
        if (messageId == null || !messageId.startsWith("<") || messageId.indexOf('@') < 0) {
            return null;
        }
        return messageId.substring(1, messageId.indexOf('@'));
    }

    private com.mongodb.client.MongoCollection<Document> tickets() {
        return mongo.getDatabase("switchboard-ticket").getCollection("tickets");
    }
}
