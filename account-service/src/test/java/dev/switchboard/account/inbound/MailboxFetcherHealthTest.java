package dev.switchboard.account.inbound;

import static dev.switchboard.account.inbound.MailboxTestBed.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.switchboard.account.external.AccountStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import reactor.core.publisher.Mono;

/** Health as the fetcher keeps it, against GreenMail and a port nothing listens on. */
class MailboxFetcherHealthTest {

    private final MailboxTestBed bed = new MailboxTestBed();

    @AfterEach
    void stop() {
        bed.close();
    }

    @Test
    void aWrongPasswordIsReportedAsSuchBacksOffAndDisablesTheMailboxOnceAfterNFailures() {
        String mailboxId = bed.mailbox("support@example.com", "wrong-password", false);
        var registry = new SimpleMeterRegistry();
        var properties = MailboxTestBed.properties(Map.of("disable-after-failures", "3", "backoff-initial", "300ms",
                "backoff-max", "1s"));
        long started = System.nanoTime();
        bed.fetcher(properties, bed.sink, registry).start();

        await().atMost(WAIT).until(() -> bed.accounts.view(mailboxId).errorCount() >= 1);
        var failing = bed.accounts.view(mailboxId);
        assertThat(failing.accountStatus()).isEqualTo(AccountStatus.FAILING.code());
        assertThat(failing.errorReason()).startsWith("AUTHENTICATION_FAILED");

        await().atMost(WAIT).until(() -> !bed.accounts.view(mailboxId).active());
        // two waits between three attempts: 300 ms, then 600 ms
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
        var disabled = bed.accounts.view(mailboxId);
        assertThat(disabled.accountStatus()).isEqualTo(AccountStatus.FAILED.code());
        assertThat(disabled.errorCount()).isEqualTo(3);
        assertThat(bed.accounts.disabledReasons(mailboxId)).singleElement().asString()
                .startsWith("AUTHENTICATION_FAILED");
        assertThat(registry.counter("switchboard.inbound.fetch.failures", "reason", "AUTHENTICATION_FAILED").count())
                .isEqualTo(3);
        // a disabled mailbox is let go and never tried again
        await().atMost(WAIT).until(() -> bed.fetchers().getFirst().owned().isEmpty());
        await().pollDelay(Duration.ofSeconds(1)).atMost(WAIT).until(() -> true);
        assertThat(bed.accounts.disabledReasons(mailboxId)).hasSize(1);
        assertThat(bed.sink.offered).isEmpty();
    }

    @Test
    void aMailboxDisabledAfterTheDirectoryWasReadIsNotLoggedIntoNorCountedAsFailing() {
        String mailboxId = bed.mailbox("stale@example.com", "wrong-password", false);
        var properties = MailboxTestBed.properties(Map.of("disable-after-failures", "3"));
        var real = new MailboxDirectory(bed.accounts.accounts(), bed.mongo, properties);
        // the directory as a claim round read it just before the mailbox was disabled
        List<Mailbox> readBeforeTheDisable = real.active().block(WAIT);
        var logins = new AtomicInteger();
        var stale = new MailboxDirectory(bed.accounts.accounts(), bed.mongo, properties) {
            @Override
            Mono<List<Mailbox>> active() {
                return Mono.just(readBeforeTheDisable);
            }

            @Override
            Mono<Mailbox.Login> login(String id) {
                return real.login(id).doOnNext(login -> logins.incrementAndGet());
            }
        };
        bed.accounts.disable(MailboxTestBed.TENANT, 1);
        var registry = new SimpleMeterRegistry();
        var fetcher = bed.fetcher(properties, stale, bed.sink, registry);
        fetcher.start();

        await().atMost(WAIT).until(() -> logins.get() >= 2);
        assertThat(registry.find("switchboard.inbound.fetch.failures").counters()).allSatisfy(
                counter -> assertThat(counter.count()).isZero());
        var view = bed.accounts.view(mailboxId);
        assertThat(view.active()).isFalse();
        assertThat(view.errorCount()).isZero();
        assertThat(bed.sink.offered).isEmpty();
    }

    @Test
    void aPasswordChangedOnTheServerShowsWhenTheSessionLogsInAgainNotDaysLater() {
        String mailboxId = bed.mailbox("rotated@example.com", false);
        // IDLE renewed every 300 ms: a session logs in again after four of them
        bed.started(MailboxTestBed.properties(Map.of("idle-renewal", "300ms", "disable-after-failures", "100",
                "backoff-initial", "300ms", "backoff-max", "1s")));
        await().atMost(WAIT).until(() -> bed.accounts.view(mailboxId).accountStatus() == AccountStatus.OK.code());

        bed.greenMail.getUserManager().getUser("rotated@example.com").setPassword("rotated-elsewhere");

        await().atMost(WAIT).until(() -> bed.accounts.view(mailboxId).errorCount() >= 1);
        assertThat(bed.accounts.view(mailboxId).errorReason()).startsWith("AUTHENTICATION_FAILED");
    }

    @Test
    void anUnreachableServerIsReportedApartFromAWrongPasswordAndASuccessResetsTheCount() throws Exception {
        int closedPort;
        try (var probe = new ServerSocket(0)) {
            closedPort = probe.getLocalPort();
        }
        String mailboxId = bed.accounts.insert(MailboxTestBed.TENANT, 41, "down@example.com", closedPort, "pw", false);
        bed.started(MailboxTestBed.properties(Map.of("disable-after-failures", "100")));
        await().atMost(WAIT).until(() -> bed.accounts.view(mailboxId).errorCount() >= 2);
        assertThat(bed.accounts.view(mailboxId).errorReason()).startsWith("UNREACHABLE: host unreachable");
        assertThat(bed.accounts.view(mailboxId).active()).isTrue();

        String healthy = bed.mailbox("support@example.com", false);
        await().atMost(WAIT).until(() -> bed.accounts.view(healthy).accountStatus() == AccountStatus.OK.code());
        var ok = bed.accounts.view(healthy);
        assertThat(ok.errorCount()).isZero();
        assertThat(ok.lastFetchDt()).isNotNull();
    }
}
