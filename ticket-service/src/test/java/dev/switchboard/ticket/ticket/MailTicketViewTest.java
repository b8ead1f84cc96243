package dev.switchboard.ticket.ticket;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;

import dev.switchboard.ticket.TicketServiceSlice;
import dev.switchboard.ticket.ticket.MailTickets.MailFile;
import dev.switchboard.ticket.ticket.MailTickets.MailMessage;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** What the ticket detail shows of a ticket and a reply that came by mail, and what lists and create answers do not. */
@SpringJUnitConfig(TicketServiceSlice.class)
class MailTicketViewTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TicketServiceSlice.properties(registry);
    }

    @Autowired
    private MailTickets mail;
    @Autowired
    private TicketService tickets;

    @Test
    void detailShowsTheSourceTheHtmlTheInlineImagesAndHowAReplyMatched() {
        var first = new MailReceipt("view", "view:1", 3, 10, "<v1@customer.example>", null, "help@view.example");
        var created = mail.open(first, new MailMessage("Broken", "It broke", "<p>It broke <img src=\"cid:c1\"></p>",
                "kim@customer.example", "Kim", List.of(new MailFile("f1", "c1", true)), List.of())).block(WAIT);
        var second = new MailReceipt("view", "view:1", 3, 11, "<v2@customer.example>", null, "help@view.example");
        mail.reply(second, created.ticketId(), MailTickets.REFERENCES,
                new MailMessage("Re: Broken", "Still", "<p>Still</p>", null, null, List.of(), List.of())).block(WAIT);

        var detail = tickets.find("view", created.ticketId()).block(WAIT);

        assertThat(detail.source()).isEqualTo("email");
        assertThat(detail.htmlContent()).contains("cid:c1");
        assertThat(detail.endUser().email()).isEqualTo("kim@customer.example");
        assertThat(detail.categoryId()).isNull();
        assertThat(detail.attachments()).singleElement().satisfies(file -> {
            assertThat(file.attachmentId()).isEqualTo("f1");
            assertThat(file.disposition()).isEqualTo("inline");
            assertThat(file.contentId()).isEqualTo("c1");
        });
        assertThat(detail.contents()).singleElement().satisfies(reply -> {
            assertThat(reply.type()).isEqualTo("inquiry");
            assertThat(reply.content()).isEqualTo("Still");
            assertThat(reply.matchedBy()).isEqualTo("references");
            assertThat(reply.htmlContent()).isEqualTo("<p>Still</p>");
        });
        JsonNode json = JSON.valueToTree(detail);
        assertThat(json.path("source").asString()).isEqualTo("email");
        assertThat(json.path("contents").get(0).path("matchedBy").asString()).isEqualTo("references");

        // the create answer keeps exactly the seed's fields
        JsonNode createAnswer = JSON.valueToTree(detail.asCreated());
        assertThat(createAnswer.has("source")).isFalse();
        assertThat(createAnswer.has("htmlContent")).isFalse();
    }

    @Test
    void aFileOfAnApiTicketIsShownAsBefore() {
        var file = TicketService.attachmentView(new Ticket.AttachmentRef("f9"), null);

        assertThat(file.disposition()).isEqualTo("attachment");
        JsonNode json = JSON.valueToTree(file);
        assertThat(List.copyOf(json.propertyNames()))
                .containsExactly("attachmentId", "fileName", "contentType", "disposition", "size", "createdDt");
    }
}
