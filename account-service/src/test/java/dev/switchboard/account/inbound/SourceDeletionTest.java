package dev.switchboard.account.inbound;

import static dev.switchboard.account.inbound.MailboxTestBed.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.switchboard.events.inbound.InboundEmailHandled;
import dev.switchboard.platform.events.EventHeaders;
import dev.switchboard.platform.events.EventMetadataFactory;
import dev.switchboard.platform.events.EventSerde;

/** Deleting fetched mail on InboundEmailHandled, against GreenMail's IMAP server (MOVE, UIDPLUS). */
class SourceDeletionTest {

    private final MailboxTestBed bed = new MailboxTestBed();
    private final SourceDeletion deletion = new SourceDeletion(
            new MailboxDirectory(bed.accounts.accounts(), bed.mongo, MailboxTestBed.properties(Map.of())),
            bed.accounts.sessions());
    private final EventSerde serde = new EventSerde();

    @AfterEach
    void stop() {
        bed.close();
    }

    private InboundEmailHandled handled(String mailboxId, long uidValidity, long uid, String ticketId) {
        return InboundEmailHandled.newBuilder()
                .setMetadata(new EventMetadataFactory("ticket-service", Clock.systemUTC()).create("t1", null))
                .setMailboxId(mailboxId).setUidValidity(uidValidity).setUid(uid).setMessageId("<m1@example.com>")
                .setOutcome("ticket").setTicketId(ticketId).build();
    }

    private ConsumerRecord<String, byte[]> record(InboundEmailHandled event) {
        var record = new ConsumerRecord<String, byte[]>("switchboard.mail.inbound", 0, 0, event.getMailboxId(),
                serde.encode(event));
        record.headers().add(EventHeaders.TYPE, event.getSchema().getFullName().getBytes(StandardCharsets.UTF_8));
        return record;
    }

    /** Delivers one message and returns its UID. */
    private long deliverOne(String address) {
        bed.deliver(address, "to delete");
        await().atMost(WAIT).until(() -> bed.uids(address, "INBOX").length == 1);
        return bed.uids(address, "INBOX")[0];
    }

    @Test
    void fetchingAloneDeletesNothingAndTheHandledEventMovesTheMessageToTrashOnceEvenWhenRedelivered() {
        String address = "support@example.com";
        String mailboxId = bed.mailbox(address, true);
        bed.uids(address, "Trash"); // creates the folder, as mail clients do
        bed.started(MailboxTestBed.properties(Map.of("import-existing", "true")));
        long uid = deliverOne(address);
        await().atMost(WAIT).until(() -> bed.sink.of(mailboxId).size() == 1);
        assertThat(bed.uids(address, "INBOX")).as("fetched, but not handled yet").containsExactly(uid);

        var listener = new InboundHandledListener(serde, deletion);
        var event = handled(mailboxId, bed.uidValidity(address), uid, "T1764237600000AbCdE");
        listener.onRecord(record(event));
        assertThat(bed.uids(address, "INBOX")).isEmpty();
        assertThat(bed.uids(address, "Trash")).hasSize(1);

        // the same event again: the message is gone already, nothing else happens
        listener.onRecord(record(event));
        assertThat(deletion.onHandled(event)).isEqualTo(SourceDeletion.Result.ALREADY_GONE);
        assertThat(bed.uids(address, "Trash")).hasSize(1);
    }

    @Test
    void withoutATrashFolderOnlyThatMessageIsExpunged() {
        String address = "support@example.com";
        String mailboxId = bed.mailbox(address, true);
        long uid = deliverOne(address);
        bed.deliver(address, "stays");
        await().atMost(WAIT).until(() -> bed.uids(address, "INBOX").length == 2);

        assertThat(deletion.onHandled(handled(mailboxId, bed.uidValidity(address), uid, "T1")))
                .isEqualTo(SourceDeletion.Result.DELETED);
        assertThat(bed.uids(address, "INBOX")).hasSize(1).doesNotContain(uid);
    }

    @Test
    void aMailboxThatKeepsMailKeepsIt() {
        String address = "support@example.com";
        String mailboxId = bed.mailbox(address, false);
        long uid = deliverOne(address);
        assertThat(deletion.onHandled(handled(mailboxId, bed.uidValidity(address), uid, "T1")))
                .isEqualTo(SourceDeletion.Result.KEPT);
        assertThat(bed.uids(address, "INBOX")).containsExactly(uid);
    }

    @Test
    void anotherFolderGenerationOrNoTicketDeletesNothing() {
        String address = "support@example.com";
        String mailboxId = bed.mailbox(address, true);
        long uid = deliverOne(address);
        assertThat(deletion.onHandled(handled(mailboxId, bed.uidValidity(address) + 1, uid, "T1")))
                .isEqualTo(SourceDeletion.Result.OTHER_GENERATION);
        assertThat(deletion.onHandled(handled(mailboxId, bed.uidValidity(address), uid, null)))
                .isEqualTo(SourceDeletion.Result.NOT_HANDLED);
        assertThat(deletion.onHandled(handled("t1:999", bed.uidValidity(address), uid, "T1")))
                .isEqualTo(SourceDeletion.Result.NO_MAILBOX);
        assertThat(bed.uids(address, "INBOX")).containsExactly(uid);
    }
}
