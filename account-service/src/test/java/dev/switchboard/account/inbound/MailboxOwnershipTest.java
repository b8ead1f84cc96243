package dev.switchboard.account.inbound;

import static dev.switchboard.account.inbound.MailboxTestBed.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two fetcher instances on one Mongo and one IMAP server. */
class MailboxOwnershipTest {

    private final MailboxTestBed bed = new MailboxTestBed();

    @AfterEach
    void stop() {
        bed.close();
    }

    @Test
    void eachMailboxIsFetchedByExactlyOneInstanceAndAStoppedInstancesMailboxesMove() {
        List<String> addresses = IntStream.rangeClosed(1, 8).mapToObj(i -> "box" + i + "@example.com").toList();
        List<String> mailboxIds = addresses.stream().map(address -> bed.mailbox(address, false)).toList();
        var properties = MailboxTestBed.properties(Map.of("lease", "1s"));
        var a = bed.started(properties);
        var b = bed.started(properties);

        // once both are live, every mailbox has one owner: the sets are disjoint and cover all of them
        await().atMost(WAIT).until(() -> {
            Set<String> ownedByA = a.owned();
            Set<String> ownedByB = b.owned();
            Set<String> union = new HashSet<>(ownedByA);
            union.addAll(ownedByB);
            return union.size() == mailboxIds.size() && ownedByA.size() + ownedByB.size() == mailboxIds.size();
        });
        for (String mailboxId : mailboxIds) {
            await().atMost(WAIT).until(() -> bed.state(mailboxId) != null && bed.state(mailboxId).get("lastUid") != null);
        }
        addresses.forEach(address -> bed.deliver(address, "first"));
        await().atMost(WAIT).until(() -> bed.sink.offered.size() == mailboxIds.size());

        // rendezvous hashing over random instance ids may, rarely, give one instance everything: stop one that has some
        var leaving = a.owned().isEmpty() ? b : a;
        var staying = leaving == a ? b : a;
        Set<String> moving = leaving.owned();
        leaving.stop();
        await().atMost(WAIT).until(() -> staying.owned().containsAll(mailboxIds));
        addresses.forEach(address -> bed.deliver(address, "second"));
        await().atMost(WAIT).until(() -> bed.sink.offered.size() == 2 * mailboxIds.size());
        // every message exactly once, whichever instance fetched it
        for (String mailboxId : mailboxIds) {
            assertThat(bed.sink.subjects(mailboxId)).as(mailboxId).containsExactly("first", "second");
        }
        assertThat(moving).isNotEmpty();
    }
}
