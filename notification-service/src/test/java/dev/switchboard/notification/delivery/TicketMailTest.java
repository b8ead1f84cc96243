package dev.switchboard.notification.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.switchboard.events.EventMetadata;
import dev.switchboard.events.ticket.EndUser;
import dev.switchboard.events.ticket.TicketCreated;

class TicketMailTest {

    @Test
    void theAcknowledgementSpeaksTheTicketsLanguage() {
        assertThat(TicketMail.language("ko-KR")).isEqualTo("ko");
        assertThat(TicketMail.language("ja_JP")).isEqualTo("ja");
        assertThat(TicketMail.language(" EN ")).isEqualTo("en");
        assertThat(TicketMail.language(null)).isEqualTo("en");
    }

    @Test
    void aTenantsOwnTextGetsItsPlaceholdersFilledOnceEach() {
        var ticket = ticket("#{name} in the subject", "I wrote #{ticketId} myself");

        String text = TicketMail.tenantText("#{name}님, 문의 #{ticketId} (#{subject}) 접수: #{inquiry} #{unknown}", "Kim", ticket);

        // a placeholder inside a customer's value is not filled in: values are never searched again
        assertThat(text).isEqualTo("Kim님, 문의 T1 (#{name} in the subject) 접수: I wrote #{ticketId} myself #{unknown}");
    }

    private static TicketCreated ticket(String subject, String content) {
        return TicketCreated.newBuilder()
                .setMetadata(EventMetadata.newBuilder().setEventId("e1").setOccurredAt(Instant.now()).setServiceId("demo")
                        .setProducer("ticket-service").build())
                .setTicketId("T1").setSubject(subject).setContent(content).setStatus("new")
                .setEndUser(EndUser.newBuilder().build()).setSource("api").setCreatedAt(Instant.now()).build();
    }
}
