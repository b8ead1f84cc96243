package dev.switchboard.ticket.ticket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.convert.MappingMongoConverter;

import dev.switchboard.platform.outbox.PendingEvent;
import dev.switchboard.ticket.TicketServiceSlice;
import dev.switchboard.ticket.ticket.TicketRequests.EndUserBody;

/** The document built for a new ticket is, value for value and type for type, the one the mapping writes. */
class TicketDocumentTest {

    private static final Instant AT = Instant.parse("2026-11-28T01:02:03.456Z");
    private final MappingMongoConverter mapping =
            TicketServiceSlice.mapping(new PersonalDataConversions().mongoCustomConversions());

    @Test
    void aTicketAsTheApiCreatesItIsWrittenAsTheMappingWritesIt() {
        var endUser = PersonalDataTest.PERSONAL.seal("demo", "T1",
                new EndUserBody("member-1", "kim@example.com", "Kim Lee", "010-1234-5678"), true);
        var fields = List.of(
                new Ticket.UserField(7, "order", "text", "A-1001", false, null),
                new Ticket.UserField(8, "topics", "checkbox", List.of("billing", "refund"), false, null),
                new Ticket.UserField(9, "agree", "agreement", true, false, null),
                new Ticket.UserField(10, "files", "file", List.of("f1", "f2"), false, null),
                new Ticket.UserField(11, "secret", "text", null, true, new byte[] {1, 2, 3}),
                new Ticket.UserField(12, "empty", "text", null, false, null));
        var ticket = new Ticket("T1", "demo", 42L, "Printer jams", "It jams on floor 3", "new", endUser,
                List.of(new Ticket.AttachmentRef("a1"), new Ticket.AttachmentRef("a2", "cid-2", true)), "t1", null,
                "en", "api", fields, List.of(), AT, AT,
                List.of(new PendingEvent("e1", "switchboard.ticket.events", "T1", "dev.switchboard.events.ticket.TicketCreated",
                        "demo", new byte[] {9, 8, 7}, AT)),
                "demo:key-1");

        assertWrittenAsTheMappingWritesIt(ticket);
    }

    @Test
    void aTicketMadeOfMailWithRepliesAndNothingOptionalIsWrittenAsTheMappingWritesIt() {
        var bare = new Ticket("T2", "demo", null, "s", "c", "new", null, null, null, null, null, "web", null, null,
                AT, AT, null, null);
        assertWrittenAsTheMappingWritesIt(bare);

        var endUser = new Ticket.EndUser(null, new Ticket.Personal(null, new byte[] {5}, "hash"),
                new Ticket.Personal("Kim", null, "hash-2"), null);
        var replies = List.of(
                new Ticket.Reply("R1", Ticket.Reply.AGENT, "Answer", AT, List.of()),
                new Ticket.Reply("R2", Ticket.Reply.CUSTOMER, "Thanks", AT.plusSeconds(1),
                        List.of(new Ticket.AttachmentRef("a3", "cid-3", false)), "in-reply-to", "<p>Thanks</p>"),
                new Ticket.Reply("R3", Ticket.Reply.AGENT, null, null, null));
        var mail = new Ticket("T3", "demo", null, "Re: order", "text", "open", endUser, List.of(), null, null, "ko",
                Ticket.SOURCE_EMAIL, List.of(), replies, AT, AT.plusSeconds(5), List.of(), null, "<p>text</p>",
                List.of("<m1@demo>"), List.of("demo:mbx:1:2"), Arrays.asList("<in-1@customer>", "<in-2@customer>"));
        assertWrittenAsTheMappingWritesIt(mail);
    }

    @Test
    void aValueItDoesNotKnowIsLeftToTheMapping() {
        var odd = new Ticket("T4", "demo", null, "s", "c", "new", null, List.of(), null, null, null, "web",
                List.of(new Ticket.UserField(1, "n", "number", new BigDecimal("1.5"), false, null)), List.of(), AT, AT,
                List.of(), null);
        assertThatThrownBy(() -> TicketDocument.of(odd)).isInstanceOf(TicketDocument.Unmapped.class);
    }

    private void assertWrittenAsTheMappingWritesIt(Ticket ticket) {
        var mapped = new Document();
        mapping.write(ticket, mapped);
        // as BSON: equal types (int64, date, binary) and values; the order of keys aside
        assertThat(TicketDocument.of(ticket).toBsonDocument()).isEqualTo(mapped.toBsonDocument());
        assertThat(mapping.read(Ticket.class, TicketDocument.of(ticket))).usingRecursiveComparison().isEqualTo(ticket);
    }
}
