package dev.switchboard.account.external;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

/** A session asked for on a virtual thread is made on a platform thread, where its class loading pins nothing. */
class MailSessionsTest {

    @Test
    void aVirtualThreadsSessionIsMadeOnAPlatformThread() throws Exception {
        var readOnVirtual = new AtomicBoolean();
        var settings = new Properties() {
            @Override
            public String getProperty(String key) {
                // Session's constructor reads its settings: record where it runs
                if (Thread.currentThread().isVirtual()) {
                    readOnVirtual.set(true);
                }
                return super.getProperty(key);
            }
        };

        var made = new AtomicBoolean();
        Thread.ofVirtual().start(() -> made.set(MailSessions.create(settings) != null)).join();

        assertThat(made).isTrue();
        assertThat(readOnVirtual).isFalse();
    }
}
