package dev.switchboard.account.external;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;

/**
 * The deadline of one mail login: when it passes, every socket the login opened is closed. Read timeouts
 * bound each read, not the login, so a server that answers a byte just within them would hold the verifying
 * thread for ever; closing the socket makes the blocked read fail at once.
 */
final class LoginDeadline implements AutoCloseable {

    private final Queue<Socket> sockets = new ConcurrentLinkedQueue<>();
    private final Duration limit;
    private final Disposable timer;
    private volatile boolean expired;

    /** Starts the clock; closing the sockets is quick, so any Reactor scheduler may run it. */
    LoginDeadline(Duration limit, Scheduler scheduler) {
        this.limit = limit;
        this.timer = scheduler.schedule(this::expire, limit.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Puts a socket under the deadline; one opened after it passed is closed at once. */
    <S extends Socket> S track(S socket) {
        sockets.add(socket);
        // expire() sets the flag before it walks the queue, so a socket added concurrently is closed by one of us
        if (expired) {
            closeQuietly(socket);
        }
        return socket;
    }

    boolean expired() {
        return expired;
    }

    Duration limit() {
        return limit;
    }

    private void expire() {
        expired = true;
        sockets.forEach(LoginDeadline::closeQuietly);
    }

    /** The login ended: the timer is no longer needed. */
    @Override
    public void close() {
        timer.dispose();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException alreadyBroken) {
            // the login it belongs to fails either way; the deadline is what it reports
        }
    }
}
