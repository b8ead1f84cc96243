package dev.switchboard.account.external;

import java.util.Properties;

import jakarta.mail.Session;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Mail sessions, made on a platform thread. Jakarta Mail reads its providers anew for every session: a class looked
 * up by name that is never there, and the service files of every jar. On a virtual thread that class loading pins
 * the carrier; with both carriers pinned, waiting for a jar whose lock an unmounted virtual thread held,
 * account-service's mailbox workers and every mailbox check deadlocked (a CI run beside a CPU hog).
 */
final class MailSessions {

    private MailSessions() {
    }

    static Session create(Properties settings) {
        if (!Thread.currentThread().isVirtual()) {
            return Session.getInstance(settings);
        }
        // the virtual thread waits unmounted; the class loading happens where it pins nothing
        return Mono.fromCallable(() -> Session.getInstance(settings)).subscribeOn(Schedulers.boundedElastic()).block();
    }
}
