package dev.switchboard.account.inbound;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPMessage;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.switchboard.account.external.ImapSessions;
import dev.switchboard.account.external.MailFailure;
import jakarta.mail.FetchProfile;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessageRemovedException;
import jakarta.mail.MessagingException;
import jakarta.mail.UIDFolder;

/**
 * Fetches one mailbox on its own virtual thread, so a slow or huge mailbox never delays another: logs in, reads
 * the new UIDs of INBOX in ascending order (UID FETCH, never {@code \Seen}), hands each message to the sink and
 * records its UID only once the sink recorded the outcome, then waits for mail with IMAP IDLE (re-issued every
 * {@code idleRenewal}) or polls. Failures back off exponentially and count towards the mailbox's health. Every
 * write of fetch state carries the lease epoch this worker was started with, so it stops at the first write after
 * another instance took the mailbox.
 */
final class MailboxWorker {

    private static final Logger log = LoggerFactory.getLogger(MailboxWorker.class);

    /** How long one message may take the sink (attachments stored, outcome recorded) before it counts as failed. */
    private static final Duration SINK_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration STORE_TIMEOUT = Duration.ofSeconds(30);
    /** Most messages, and bytes, whose bodies one FETCH brings. */
    private static final int PREFETCH_MESSAGES = 25;
    private static final long PREFETCH_BYTES = 8L << 20;
    /** A session logs in again after this many IDLE renewals (with the default 25 min, every 100 min). */
    private static final int SESSION_RENEWALS = 4;
    /** The pause before logging in again after a server ended an IDLE or the connection. */
    private static final Duration RECONNECT_PAUSE = Duration.ofSeconds(1);

    /** What every worker of an instance shares. */
    record Deps(MailboxDirectory directory, ImapSessions sessions, MailboxStates states, MailboxHealth health,
                MessageSink sink, FetchMetrics metrics, InboundProperties properties, ScheduledExecutorService timer,
                Clock clock, Duration idleReadTimeout) {
    }

    private final Mailbox mailbox;
    private final long epoch;
    private final Deps deps;
    private final FetchBackoff backoff;
    private volatile boolean running = true;
    private volatile boolean pausing;
    private volatile IMAPFolder idling;
    private volatile Thread thread;

    MailboxWorker(Mailbox mailbox, long epoch, Deps deps) {
        this.mailbox = mailbox;
        this.epoch = epoch;
        this.deps = deps;
        this.backoff = new FetchBackoff(deps.properties().backoffInitial(), deps.properties().backoffMax());
    }

    Mailbox mailbox() {
        return mailbox;
    }

    long epoch() {
        return epoch;
    }

    void start() {
        thread = Thread.ofVirtual().name("mailbox " + mailbox.mailboxId()).start(this::run);
    }

    /**
     * Asks the worker to end: an IDLE or a pause ends at once; a message being handled is finished and its UID
     * recorded first, so a stop never makes the next holder offer it again.
     */
    void stop() {
        running = false;
        IMAPFolder folder = idling;
        if (folder != null) {
            endIdle(folder);
        }
        Thread current = thread;
        if (current != null && pausing) {
            current.interrupt();
        }
    }

    boolean done() {
        Thread current = thread;
        return current == null || !current.isAlive();
    }

    /** Waits for the worker to end, at most {@code limit}; whether it ended. */
    boolean await(Duration limit) throws InterruptedException {
        Thread current = thread;
        return current == null || current.join(limit);
    }

    private void run() {
        try {
            MailboxStates.Position position = deps.states().stamp(mailbox.mailboxId(), epoch).block(STORE_TIMEOUT);
            if (position == null) {
                log.info("Mailbox {} has a newer holder; not fetching it", mailbox.mailboxId());
                return;
            }
            log.info("Fetching mailbox {} ({})", mailbox.mailboxId(), mailbox.kind());
            int transientFailures = 0;
            while (running) {
                try {
                    position = session(position);
                    transientFailures = 0;
                    pause(RECONNECT_PAUSE);
                } catch (ImapSessions.LoginFailedException e) {
                    if (!failed(e.failure())) {
                        return;
                    }
                } catch (MessagingException e) {
                    if (!running || !failed(MailFailure.of(e, mailbox.host(), mailbox.port()))) {
                        return;
                    }
                } catch (LeaseLost e) {
                    log.info("Mailbox {} is fetched by another instance now", mailbox.mailboxId());
                    return;
                } catch (MailboxGone e) {
                    log.info("Mailbox {} is no longer there to fetch", mailbox.mailboxId());
                    return;
                } catch (RuntimeException e) {
                    if (!running) {
                        return;
                    }
                    // the sink or Mongo: not the mailbox's fault, so its health is left alone
                    transientFailures++;
                    Duration wait = backoff.delay(transientFailures);
                    log.warn("Mailbox {}: message handling failed, trying again in {}: {}", mailbox.mailboxId(), wait,
                            e.toString());
                    pause(wait);
                }
            }
        } catch (InterruptedException e) {
            // stopped
        } catch (RuntimeException e) {
            if (running) {
                log.warn("Mailbox {}: fetching ended: {}", mailbox.mailboxId(), e.toString());
            }
        } finally {
            log.debug("Mailbox {} worker ended", mailbox.mailboxId());
        }
    }

    /** Counts a failure and waits the back-off; false when the mailbox is now disabled. */
    private boolean failed(MailFailure failure) throws InterruptedException {
        var count = deps.health().failed(mailbox, epoch, failure);
        if (count.disabled()) {
            return false;
        }
        pause(backoff.delay(count.consecutive()));
        return true;
    }

    /** One connection: fetches what is new, then waits for mail and fetches again until stopped or disconnected. */
    private MailboxStates.Position session(MailboxStates.Position start)
            throws ImapSessions.LoginFailedException, MessagingException, InterruptedException {
        Mailbox.Login login = deps.directory().login(mailbox.mailboxId()).block(STORE_TIMEOUT);
        if (login == null || !login.watched()) {
            // deleted, or disabled since this worker was started (perhaps from a directory read just before)
            throw new MailboxGone();
        }
        Mailbox current = login.mailbox();
        IMAPStore store = deps.sessions().connect(current.host(), current.port(), current.ssl(), current.user(),
                login.password(), deps.idleReadTimeout());
        try {
            IMAPFolder folder = (IMAPFolder) store.getFolder("INBOX");
            // read-only: fetching never changes the mailbox (no \Seen); the source deletion opens it read-write
            folder.open(Folder.READ_ONLY);
            MailboxStates.Position position = generation(folder, start);
            boolean idle = store.hasCapability("IDLE");
            Instant connectedAt = deps.clock().instant();
            while (running) {
                position = fetchNew(folder, position);
                deps.health().succeeded(mailbox, epoch, deps.clock().instant());
                if (!running) {
                    break;
                }
                if (Duration.between(connectedAt, deps.clock().instant()).compareTo(sessionMaxAge()) > 0) {
                    // log in again now and then: a changed password or certificate shows in the mailbox's health
                    // instead of going unnoticed behind a session that stays logged in for days
                    break;
                }
                if (idle) {
                    if (!idle(folder)) {
                        break;
                    }
                } else {
                    pause(deps.properties().pollInterval());
                }
            }
            return position;
        } finally {
            closeQuietly(store);
        }
    }

    /** How long one logged-in session is used: a few IDLE renewals, or polls as long. */
    private Duration sessionMaxAge() {
        return deps.properties().idleRenewal().multipliedBy(SESSION_RENEWALS);
    }

    /**
     * Where to start in this folder generation: a mailbox never fetched starts after its newest message (or at
     * the first when {@code importExisting}); a changed UIDVALIDITY starts the new generation from its first
     * message, whose Message-IDs the sink recognizes if they were imported before.
     */
    private MailboxStates.Position generation(IMAPFolder folder, MailboxStates.Position position)
            throws MessagingException {
        long uidValidity = folder.getUIDValidity();
        if (position.uidValidity() != null && position.uidValidity() == uidValidity) {
            return position;
        }
        long start;
        if (position.uidValidity() == null) {
            start = deps.properties().importExisting() || position.importExisting() ? 0 : newestUid(folder);
            log.info("Mailbox {} is watched from UID {} on (UIDVALIDITY {})", mailbox.mailboxId(), start + 1,
                    uidValidity);
        } else {
            start = 0;
            log.warn("Mailbox {}: UIDVALIDITY changed from {} to {}; reading it again from its first message",
                    mailbox.mailboxId(), position.uidValidity(), uidValidity);
        }
        advance(uidValidity, start);
        return new MailboxStates.Position(uidValidity, start);
    }

    private static long newestUid(IMAPFolder folder) throws MessagingException {
        long next = folder.getUIDNext();
        if (next > 0) {
            return next - 1;
        }
        int count = folder.getMessageCount();
        return count == 0 ? 0 : folder.getUID(folder.getMessage(count));
    }

    /** Hands every message after {@code position} to the sink in UID order, recording each outcome's UID. */
    private MailboxStates.Position fetchNew(IMAPFolder folder, MailboxStates.Position position)
            throws MessagingException {
        long uidValidity = position.uidValidity();
        long from = position.lastUid() + 1;
        Message[] messages = folder.getMessagesByUID(from, UIDFolder.MAXUID);
        FetchProfile profile = new FetchProfile();
        profile.add(UIDFolder.FetchProfileItem.UID);
        profile.add(FetchProfile.Item.SIZE);
        folder.fetch(messages, profile);
        long[] uids = new long[messages.length];
        Integer[] order = new Integer[messages.length];
        for (int i = 0; i < messages.length; i++) {
            uids[i] = messages[i] == null ? -1 : folder.getUID(messages[i]);
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingLong(i -> uids[i]));
        long maxSize = deps.properties().maxMessageSize().toBytes();
        MailboxStates.Position at = position;
        int next = 0;
        while (next < order.length && running) {
            // the bodies of the next few messages in one FETCH, not one round trip (and reply) per message
            int end = prefetchBodies(folder, messages, order, next, uids, from, maxSize);
            for (int k = next; k < end; k++) {
                int i = order[k];
                // "UID n:*" names the newest message even when its UID is below n
                if (!running || uids[i] < from) {
                    continue;
                }
                at = handOn(messages[i], uidValidity, uids[i], maxSize, at);
            }
            next = end;
        }
        return at;
    }

    /**
     * Fetches the bodies of the messages {@code order[from..]} names, as many as fit {@link #PREFETCH_MESSAGES} and
     * {@link #PREFETCH_BYTES} (at least one), leaving out those too large to import; answers where the batch ends.
     */
    private static int prefetchBodies(IMAPFolder folder, Message[] messages, Integer[] order, int from, long[] uids,
                                      long fromUid, long maxSize) throws MessagingException {
        List<Message> batch = new ArrayList<>();
        long bytes = 0;
        int end = from;
        while (end < order.length && end - from < PREFETCH_MESSAGES) {
            Message message = messages[order[end]];
            long size = message == null ? 0 : Math.max(message.getSize(), 0);
            if (end > from && bytes + size > PREFETCH_BYTES) {
                break;
            }
            if (message != null && uids[order[end]] >= fromUid && size <= maxSize) {
                batch.add(message);
                bytes += size;
            }
            end++;
        }
        if (batch.size() > 1) {
            FetchProfile bodies = new FetchProfile();
            bodies.add(IMAPFolder.FetchProfileItem.MESSAGE);
            folder.fetch(batch.toArray(Message[]::new), bodies);
        }
        return end;
    }

    /** Hands one message to the sink and records its UID; the message's body is let go once it is handed on. */
    private MailboxStates.Position handOn(Message message, long uidValidity, long uid, long maxSize,
                                          MailboxStates.Position at) throws MessagingException {
        byte[] raw;
        try {
            raw = message.getSize() > maxSize ? null : bytes(message);
        } catch (MessageRemovedException gone) {
            // expunged by someone else since it was listed: nothing to import
            advance(uidValidity, uid);
            return new MailboxStates.Position(uidValidity, uid);
        } finally {
            if (message instanceof IMAPMessage imap) {
                imap.invalidateHeaders();
            }
        }
        var fetched = new FetchedMessage(mailbox.serviceId(), mailbox.mailboxId(), mailbox.accountId(),
                mailbox.address(), uidValidity, uid, raw, deps.clock().instant());
        InboundOutcome outcome = deps.sink().accept(fetched).block(SINK_TIMEOUT);
        if (outcome == null) {
            throw new IllegalStateException("the sink completed without an outcome for " + fetched.key());
        }
        deps.metrics().fetched(mailbox);
        advance(uidValidity, uid);
        return new MailboxStates.Position(uidValidity, uid);
    }

    private static byte[] bytes(Message message) throws MessagingException {
        var out = new ByteArrayOutputStream(Math.max(message.getSize(), 1024));
        try {
            message.writeTo(out);
        } catch (IOException e) {
            throw new MessagingException("reading the message failed: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    private void advance(long uidValidity, long lastUid) {
        Boolean held = deps.states().advance(mailbox.mailboxId(), epoch, uidValidity, lastUid).block(STORE_TIMEOUT);
        if (!Boolean.TRUE.equals(held)) {
            throw new LeaseLost();
        }
    }

    /**
     * Waits in IDLE until the server reports a change, {@code idleRenewal} passed or the worker stops.
     *
     * @return false when the server ended the IDLE or the connection: log in again
     */
    private boolean idle(IMAPFolder folder) {
        idling = folder;
        ScheduledFuture<?> renewal = deps.timer().schedule(() -> endIdle(folder),
                deps.properties().idleRenewal().toMillis(), TimeUnit.MILLISECONDS);
        try {
            if (!running) {
                return false;
            }
            folder.idle(true);
            return folder.isOpen();
        } catch (MessagingException e) {
            if (running) {
                log.info("Mailbox {}: the server ended IDLE ({}); logging in again", mailbox.mailboxId(),
                        e.getMessage());
            }
            return false;
        } finally {
            renewal.cancel(false);
            idling = null;
        }
    }

    /** Ends a waiting IDLE: any command on the folder makes the client send DONE first. */
    private static void endIdle(IMAPFolder folder) {
        // the command waits for the server's answer: on its own virtual thread, never on the timer's
        Thread.ofVirtual().start(() -> {
            try {
                folder.doCommand(protocol -> {
                    protocol.simpleCommand("NOOP", null);
                    return null;
                });
            } catch (MessagingException | IllegalStateException closed) {
                // the folder closed meanwhile: the IDLE is over either way
            }
        });
    }

    private void pause(Duration duration) throws InterruptedException {
        pausing = true;
        try {
            if (running) {
                Thread.sleep(duration);
            }
        } finally {
            pausing = false;
            // an interrupt meant for the pause must not reach the next socket read
            Thread.interrupted();
        }
    }

    private static void closeQuietly(IMAPStore store) {
        try {
            store.close();
        } catch (MessagingException alreadyClosed) {
            // the connection is gone either way
        }
    }

    /** A later holder wrote the mailbox's state: this worker must end. */
    private static final class LeaseLost extends RuntimeException {
        LeaseLost() {
            super("lease lost", null, false, false);
        }
    }

    /** The mailbox was deleted meanwhile. */
    private static final class MailboxGone extends RuntimeException {
        MailboxGone() {
            super("mailbox gone", null, false, false);
        }
    }
}
