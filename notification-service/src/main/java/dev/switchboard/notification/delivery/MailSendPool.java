package dev.switchboard.notification.delivery;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

import dev.switchboard.notification.config.NotificationProperties;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The threads SMTP sends run on, as many as {@code sending.concurrency}: the dispatcher never has more sends under
 * way. Virtual threads, because a send that overruns {@code relay.sendTimeout} is cut off by interrupting its
 * thread, and a virtual thread's socket I/O answers an interrupt by closing the socket.
 */
@Component
class MailSendPool implements DisposableBean {

    private final ExecutorService executor;
    private final Scheduler scheduler;

    MailSendPool(NotificationProperties properties) {
        int concurrency = properties.sending().concurrency();
        this.executor = Executors.newFixedThreadPool(concurrency, Thread.ofVirtual().name("mail-send-", 0).factory());
        this.scheduler = Schedulers.fromExecutorService(executor, "mail-send");
    }

    Scheduler scheduler() {
        return scheduler;
    }

    // Runs after the dispatcher has stopped (a lifecycle bean), which waits for the sends under way.
    @Override
    public void destroy() {
        scheduler.dispose();
        executor.shutdownNow();
    }
}
