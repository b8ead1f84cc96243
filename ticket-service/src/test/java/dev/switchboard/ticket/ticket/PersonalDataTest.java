package dev.switchboard.ticket.ticket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.switchboard.platform.crypto.Keysets;
import dev.switchboard.ticket.ticket.TicketRequests.EndUserBody;

class PersonalDataTest {

    static final PersonalData PERSONAL = new PersonalData(
            new PersonalDataKeys(Keysets.newAeadKeyset(), Keysets.newHashKey(), Keysets.newAeadKeyset()));

    @Test
    void emailAndPhoneAreSealedAndOpenOnlyInTheirOwnTicket() {
        var endUser = PERSONAL.seal("demo", "T1", new EndUserBody("u1", "Kim@Example.com", "Kim", "010-1234"), false);
        assertThat(endUser.email().clear()).isNull();
        assertThat(new String(endUser.email().sealed(), StandardCharsets.ISO_8859_1)).doesNotContain("Kim@Example.com");
        assertThat(endUser.phone().clear()).isNull();
        assertThat(endUser.phone().hash()).isNull();
        assertThat(endUser.username().clear()).isEqualTo("Kim");
        assertThat(endUser.username().sealed()).isNull();

        var opened = PERSONAL.open(ticket("demo", "T1", endUser, List.of()));
        assertThat(opened).isEqualTo(new TicketRequests.EndUserView("u1", "Kim@Example.com", "Kim", "010-1234"));
        // copied into another ticket or tenant, a sealed value does not open
        assertThatThrownBy(() -> PERSONAL.open(ticket("demo", "T2", endUser, List.of())))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> PERSONAL.open(ticket("other", "T1", endUser, List.of())))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theNameIsSealedWhenTheFormSaysSoAndHashesTheSameEitherWay() {
        var sealed = PERSONAL.seal("demo", "T1", new EndUserBody(null, "a@example.com", "Ann  Smith", null), true);
        var clear = PERSONAL.seal("demo", "T2", new EndUserBody(null, "a@example.com", "ann smith", null), false);
        assertThat(sealed.username().clear()).isNull();
        assertThat(sealed.username().hash()).isEqualTo(clear.username().hash())
                .isEqualTo(PERSONAL.usernameLookup("demo", " ANN SMITH "));
        assertThat(sealed.phone()).isNull();
        assertThat(PERSONAL.open(ticket("demo", "T1", sealed, List.of())).username()).isEqualTo("Ann  Smith");
    }

    @Test
    void lookupsIgnoreCaseAndSpacingButNotTheTenantOrTheField() {
        var endUser = PERSONAL.seal("demo", "T1", new EndUserBody(null, "Kim@Example.com", "Kim", null), false);
        assertThat(PERSONAL.emailLookup("demo", " kim@example.COM ")).isEqualTo(endUser.email().hash());
        assertThat(PERSONAL.emailLookup("other", "kim@example.com")).isNotEqualTo(endUser.email().hash());
        assertThat(PERSONAL.usernameLookup("demo", "kim@example.com")).isNotEqualTo(endUser.email().hash());
        assertThat(PERSONAL.emailLookup("demo", "kim@example.co")).isNotEqualTo(endUser.email().hash());
        // full-width letters are the same address once normalized
        assertThat(PERSONAL.emailLookup("demo", "ｋｉｍ@example.com")).isEqualTo(endUser.email().hash());
    }

    @Test
    void userFieldsMarkedEncryptKeepOnlyTheSealedValue() {
        List<Ticket.UserField> fields = List.of(
                new Ticket.UserField(100, "passport", "text", "M123", true, null),
                new Ticket.UserField(101, "topics", "checkbox", List.of("a", "b"), true, null),
                new Ticket.UserField(102, "agree", "agree", true, true, null),
                new Ticket.UserField(103, "note", "text", "visible", false, null));
        var kept = PERSONAL.seal("demo", "T1", fields);
        assertThat(kept).extracting(Ticket.UserField::value).containsExactly(null, null, null, "visible");
        assertThat(kept.get(0).sealed()).isNotNull();
        assertThat(kept.get(3).sealed()).isNull();

        var opened = PERSONAL.openFields(ticket("demo", "T1", null, kept));
        assertThat(opened).extracting(TicketRequests.UserFieldView::value)
                .containsExactly("M123", List.of("a", "b"), true, "visible");
        assertThatThrownBy(() -> PERSONAL.openFields(ticket("demo", "T9", null, kept)))
                .isInstanceOf(IllegalStateException.class);
    }

    static Ticket ticket(String serviceId, String ticketId, Ticket.EndUser endUser, List<Ticket.UserField> fields) {
        Instant now = Instant.now();
        return new Ticket(ticketId, serviceId, null, "s", "c", "new", endUser, List.of(), null, null, null, "web",
                fields, List.of(), now, now, List.of(), null);
    }
}
