package dev.switchboard.ticket.ticket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.regex.Pattern;

import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.util.LinkedMultiValueMap;

import dev.switchboard.platform.web.NhnApiException;

class TicketQueryTest {

    @Test
    void subjectIsMatchedLiterallyAndIgnoringCase() {
        Document filter = query("subject", " (urgent) [A-1] .* ");
        var subject = (Pattern) filter.get("subject");
        assertThat(subject.flags() & Pattern.CASE_INSENSITIVE).isNotZero();
        assertThat(subject.matcher("Refund (URGENT) [a-1] .* now").find()).isTrue();
        assertThat(subject.matcher("Refund urgent A-1 anything").find()).isFalse();
    }

    @Test
    void emailAndNameAreLookedUpByTheTenantsKeyedHashNeverInClear() {
        Document byEmail = query("email", "Kim@Example.com");
        assertThat(byEmail.get("endUser.email.hash"))
                .isEqualTo(PersonalDataTest.PERSONAL.emailLookup("demo", "kim@example.com"));
        assertThat(byEmail.toJson()).doesNotContainIgnoringCase("kim@example.com");
        Document byName = query("username", "Kim Lee");
        assertThat(byName.get("endUser.username.hash"))
                .isEqualTo(PersonalDataTest.PERSONAL.usernameLookup("demo", "kim lee"));
        assertThat(byName.get("serviceId")).isEqualTo("demo");
    }

    @Test
    void overlongFiltersAreRefused() {
        assertThatThrownBy(() -> query("subject", "s".repeat(256))).isInstanceOf(NhnApiException.class)
                .hasMessageContaining("subject");
        assertThatThrownBy(() -> query("email", "e".repeat(255))).isInstanceOf(NhnApiException.class)
                .hasMessageContaining("email");
        assertThatThrownBy(() -> query("username", "n".repeat(101))).isInstanceOf(NhnApiException.class)
                .hasMessageContaining("username");
        assertThat(query("subject", "   ").containsKey("subject")).isFalse();
        assertThatThrownBy(() -> query("usercode", "u".repeat(101))).isInstanceOf(NhnApiException.class)
                .hasMessageContaining("usercode");
        assertThatThrownBy(() -> query("ticketId", "T".repeat(65))).isInstanceOf(NhnApiException.class)
                .hasMessageContaining("ticketId");
        assertThatThrownBy(() -> query("categoryId", String.join(",", java.util.Collections.nCopies(101, "7"))))
                .isInstanceOf(NhnApiException.class).hasMessageContaining("categoryId");
        assertThat(query("usercode", "u".repeat(100)).get("endUser.usercode")).isEqualTo("u".repeat(100));
    }

    private static Document query(String name, String value) {
        var params = new LinkedMultiValueMap<String, String>();
        params.add(name, value);
        return TicketQuery.parse("demo", params).toQuery(PersonalDataTest.PERSONAL).getQueryObject();
    }
}
