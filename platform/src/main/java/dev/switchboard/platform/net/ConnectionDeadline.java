package dev.switchboard.platform.net;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;

/**
 * The deadline of one conversation with a mail server (a login, a test mail): when it passes, every socket
 * the conversation opened is closed. Read timeouts bound each read, not the conversation, so a server that
 * answers a byte just within them would hold the calling thread for ever; closing the socket makes the
 * blocked read fail at once.
 */
public final class ConnectionDeadline implements AutoCloseable {

    private final Queue<Socket> sockets = new ConcurrentLinkedQueue<>();
    private final Duration limit;
    private final Disposable timer;
    private volatile boolean expired;

    /** Starts the clock; closing the sockets is quick, so any Reactor scheduler may run it. */
    public ConnectionDeadline(Duration limit, Scheduler scheduler) {
        this.limit = limit;
        this.timer = scheduler.schedule(this::expire, limit.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Puts a socket under the deadline; one opened after it passed is closed at once. */
    public <S extends Socket> S track(S socket) {
        sockets.add(socket);
        // expire() sets the flag before it walks the queue, so a socket added concurrently is closed by one of us
        if (expired) {
            closeQuietly(socket);
        }
        return socket;
    }

    /** Whether the deadline passed (and the sockets were closed): what a failure that followed really means. */
    public boolean expired() {
        return expired;
    }

    public Duration limit() {
        return limit;
    }

    private void expire() {
        expired = true;
        sockets.forEach(ConnectionDeadline::closeQuietly);
    }

    /** The conversation ended: the timer is no longer needed. */
    @Override
    public void close() {
        timer.dispose();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException alreadyBroken) {
            // the conversation it belongs to fails either way; the deadline is what it reports
        }
    }
}
