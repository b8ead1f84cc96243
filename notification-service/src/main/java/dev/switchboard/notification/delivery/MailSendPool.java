package dev.switchboard.notification.delivery;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

import dev.switchboard.notification.config.NotificationProperties;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The threads SMTP sends run on, as many as the mail listener has consumers: every partition can send at once,
 * one slow mail holds up only its own partition. Virtual threads, because a send that overruns
 * {@code relay.sendTimeout} is cut off by interrupting its thread, and a virtual thread's socket I/O answers an
 * interrupt by closing the socket.
 */
@Component("mailSendPool")
public class MailSendPool implements DisposableBean {

    private final int concurrency;
    private final ExecutorService executor;
    private final Scheduler scheduler;

    MailSendPool(NotificationProperties properties) {
        this.concurrency = properties.sending().concurrency();
        this.executor = Executors.newFixedThreadPool(concurrency, Thread.ofVirtual().name("mail-send-", 0).factory());
        this.scheduler = Schedulers.fromExecutorService(executor, "mail-send");
    }

    /**
     * Consumers of the mail listener; read by its {@code @KafkaListener}, so both stay one number (public, as
     * the annotation's expression calls it by reflection).
     */
    public int concurrency() {
        return concurrency;
    }

    Scheduler scheduler() {
        return scheduler;
    }

    // Runs after the listener containers have stopped (they are lifecycle beans), so no send is waiting here.
    @Override
    public void destroy() {
        scheduler.dispose();
        executor.shutdownNow();
    }
}
