package dev.switchboard.account.inbound;

import static dev.switchboard.account.inbound.MailboxTestBed.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;

import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;

import reactor.core.publisher.Mono;

/** The fetcher against GreenMail's IMAP server and the Mongo wire server. */
class MailboxFetcherTest {

    private final MailboxTestBed bed = new MailboxTestBed();

    @AfterEach
    void stop() {
        bed.close();
    }

    private void awaitWatched(String mailboxId) {
        await().atMost(WAIT).until(() -> {
            Document state = bed.state(mailboxId);
            return state != null && state.get("lastUid") != null;
        });
    }

    @Test
    void aNewMailboxStartsFromNowAndNeverImportsWhatItHeldBefore() {
        String mailboxId = bed.mailbox("support@example.com", false);
        bed.deliver("support@example.com", "old-1");
        bed.deliver("support@example.com", "old-2");
        assertThat(bed.greenMail.waitForIncomingEmail(10_000, 2)).isTrue();

        bed.started(MailboxTestBed.properties(Map.of()));
        awaitWatched(mailboxId);
        assertThat(bed.state(mailboxId).get("lastUid", Number.class).longValue()).isEqualTo(2);

        bed.deliver("support@example.com", "new-1");
        await().atMost(WAIT).until(() -> bed.sink.of(mailboxId).size() == 1);
        assertThat(bed.sink.subjects(mailboxId)).containsExactly("new-1");
        var message = bed.sink.of(mailboxId).getFirst();
        assertThat(message.uid()).isEqualTo(3);
        assertThat(message.uidValidity()).isEqualTo(bed.uidValidity("support@example.com"));
        assertThat(message.serviceId()).isEqualTo(MailboxTestBed.TENANT);
        assertThat(message.accountId()).isNotNull();
        assertThat(message.mailboxAddress()).isEqualTo("support@example.com");
    }

    @Test
    void existingMailIsImportedWhenAskedTo() {
        String mailboxId = bed.mailbox("support@example.com", false);
        bed.deliver("support@example.com", "old-1");
        assertThat(bed.greenMail.waitForIncomingEmail(10_000, 1)).isTrue();

        bed.started(MailboxTestBed.properties(Map.of("import-existing", "true")));
        await().atMost(WAIT).until(() -> bed.sink.of(mailboxId).size() == 1);
        assertThat(bed.sink.subjects(mailboxId)).containsExactly("old-1");
    }

    @Test
    void fiftyMessagesAreHandedOnInUidOrderExactlyOnceAcrossARestart() {
        String mailboxId = bed.mailbox("support@example.com", false);
        var properties = MailboxTestBed.properties(Map.of());
        // slow enough that the restart falls in the middle of the batch
        bed.sink.behaviour = message -> Mono.delay(java.time.Duration.ofMillis(20)).then();
        var first = bed.started(properties);
        awaitWatched(mailboxId);
        for (int i = 1; i <= 50; i++) {
            bed.deliver("support@example.com", "m-" + i);
        }
        await().atMost(WAIT).until(() -> bed.sink.of(mailboxId).size() >= 10);
        first.stop();
        int beforeRestart = bed.sink.of(mailboxId).size();
        assertThat(beforeRestart).isLessThan(50);

        bed.started(properties);
        await().atMost(WAIT).until(() -> bed.sink.of(mailboxId).size() >= 50);

        assertThat(bed.sink.uids(mailboxId)).containsExactlyElementsOf(LongStream.rangeClosed(1, 50).boxed().toList());
        assertThat(bed.sink.subjects(mailboxId)).containsExactlyElementsOf(
                java.util.stream.IntStream.rangeClosed(1, 50).mapToObj(i -> "m-" + i).toList());
        assertThat(bed.state(mailboxId).get("lastUid", Number.class).longValue()).isEqualTo(50);
    }

    @Test
    void aChangedUidValidityReadsTheNewGenerationFromItsFirstMessage() {
        String mailboxId = bed.mailbox("support@example.com", false);
        for (int i = 1; i <= 3; i++) {
            bed.deliver("support@example.com", "m-" + i);
        }
        assertThat(bed.greenMail.waitForIncomingEmail(10_000, 3)).isTrue();
        var properties = MailboxTestBed.properties(Map.of("import-existing", "true"));
        var first = bed.started(properties);
        await().atMost(WAIT).until(() -> bed.sink.of(mailboxId).size() == 3);
        first.stop();

        // as if the server had recreated the folder: the remembered generation is not the server's any more
        long real = bed.uidValidity("support@example.com");
        bed.mongo.updateFirst(Query.query(Criteria.where("_id").is(mailboxId)),
                new Update().set("uidValidity", real + 1).set("lastUid", 99), MailboxStates.COLLECTION)
                .block(WAIT);

        bed.started(properties);
        await().atMost(WAIT).until(() -> bed.sink.of(mailboxId).size() == 6);
        assertThat(bed.sink.uids(mailboxId)).containsExactly(1L, 2L, 3L, 1L, 2L, 3L);
        assertThat(bed.sink.of(mailboxId)).allMatch(message -> message.uidValidity() == real);
        await().atMost(WAIT).until(() -> bed.state(mailboxId).get("uidValidity", Number.class).longValue() == real
                && bed.state(mailboxId).get("lastUid", Number.class).longValue() == 3);
    }

    @Test
    void aSlowSinkOnOneMailboxDoesNotDelayAnother() {
        String slow = bed.mailbox("slow@example.com", false);
        String quick = bed.mailbox("quick@example.com", false);
        var release = new CompletableFuture<Void>();
        bed.sink.behaviour = message -> message.mailboxId().equals(slow) ? Mono.fromFuture(release) : Mono.empty();
        var fetcher = bed.started(MailboxTestBed.properties(Map.of()));
        awaitWatched(slow);
        awaitWatched(quick);

        bed.deliver("slow@example.com", "stuck");
        await().atMost(WAIT).until(() -> bed.state(slow) != null);
        bed.deliver("quick@example.com", "through");
        await().atMost(WAIT).until(() -> bed.sink.of(quick).size() == 1);
        assertThat(bed.sink.of(slow)).isEmpty();
        assertThat(fetcher.owned()).containsExactlyInAnyOrder(slow, quick);

        release.complete(null);
        await().atMost(WAIT).until(() -> bed.sink.of(slow).size() == 1);
    }

    @Test
    void idleIsRenewedAndMailArrivingLaterIsFetchedWithoutPolling() {
        String mailboxId = bed.mailbox("support@example.com", false);
        // polling would take an hour: only IDLE can bring the message in time
        bed.started(MailboxTestBed.properties(Map.of("poll-interval", "1h", "idle-renewal", "300ms")));
        awaitWatched(mailboxId);
        // several renewals pass before the mail arrives
        await().pollDelay(java.time.Duration.ofSeconds(1)).atMost(WAIT).until(() -> true);
        bed.deliver("support@example.com", "late");
        await().atMost(java.time.Duration.ofSeconds(10)).until(() -> bed.sink.of(mailboxId).size() == 1);
        assertThat(bed.sink.subjects(mailboxId)).isEqualTo(List.of("late"));
    }

    @Test
    void aRepresentativeMailboxIsFetchedFromThePlatformServerWithItsHealthInTheFetchState() {
        String address = "help@oc.example";
        bed.greenMail.setUser(address, address, address);
        bed.mongo.insert(new Document("_id", "t2").append("mail", address), MailboxDirectory.MAIL_SETTINGS).block(WAIT);
        String mailboxId = Mailbox.representativeId("t2");
        bed.started(MailboxTestBed.properties(Map.of("platform-imap-host", "127.0.0.1",
                "platform-imap-port", Integer.toString(bed.imapPort()), "platform-imap-ssl", "false",
                "platform-imap-password", "{address}")));
        awaitWatched(mailboxId);
        bed.deliver(address, "question");
        await().atMost(WAIT).until(() -> bed.sink.of(mailboxId).size() == 1);
        var message = bed.sink.of(mailboxId).getFirst();
        assertThat(message.accountId()).isNull();
        assertThat(message.serviceId()).isEqualTo("t2");
        assertThat(message.mailboxAddress()).isEqualTo(address);
        await().atMost(WAIT).until(() -> Integer.valueOf(4).equals(bed.state(mailboxId).get("status")));
        assertThat(bed.state(mailboxId).get("errorCount")).isEqualTo(0);
    }
}
