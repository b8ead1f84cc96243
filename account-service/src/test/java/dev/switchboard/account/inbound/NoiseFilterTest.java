package dev.switchboard.account.inbound;

import static dev.switchboard.account.inbound.MessageSamples.message;
import static dev.switchboard.account.inbound.MessageSamples.simple;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Each loop and noise rule on its own, and the sender rate. */
class NoiseFilterTest {

    private final MessageParser parser = new MessageParser(MessageSamples.properties());
    private final NoiseFilter filter = new NoiseFilter(MessageSamples.properties("sender-rate-per-hour", "3",
            "own-message-id-domain", "Switchboard.Local"));

    private String rule(byte[] raw) throws Exception {
        return filter.check(parser.parse(raw)).map(NoiseFilter.Noise::code).orElse(null);
    }

    @Test
    void autoSubmittedOtherThanNoIsNoise() throws Exception {
        assertThat(rule(simple("c@example.com", null, "Out of office", "Auto-Submitted: auto-replied")))
                .isEqualTo(NoiseFilter.AUTO_SUBMITTED);
        assertThat(rule(simple("c@example.com", null, "x", "Auto-Submitted: auto-generated; owner-email=x@y")))
                .isEqualTo(NoiseFilter.AUTO_SUBMITTED);
        assertThat(rule(simple("c@example.com", null, "x", "Auto-Submitted: No"))).isNull();
    }

    @Test
    void bulkJunkAndListPrecedenceIsNoise() throws Exception {
        for (String precedence : new String[] {"bulk", "junk", "list", "LIST"}) {
            assertThat(rule(simple("c@example.com", null, "x", "Precedence: " + precedence)))
                    .isEqualTo(NoiseFilter.PRECEDENCE);
        }
        assertThat(rule(simple("c@example.com", null, "x", "Precedence: first-class"))).isNull();
    }

    @Test
    void anyXLoopHeaderIsNoise() throws Exception {
        assertThat(rule(simple("c@example.com", null, "x", "X-Loop: anything"))).isEqualTo(NoiseFilter.X_LOOP);
    }

    @Test
    void bouncesAreNoise() throws Exception {
        assertThat(rule(simple("MAILER-DAEMON@mx.example.com", null, "Undelivered"))).isEqualTo(NoiseFilter.BOUNCE);
        assertThat(rule(simple("Mail System <postmaster@example.com>", null, "Undelivered")))
                .isEqualTo(NoiseFilter.BOUNCE);
        assertThat(rule(message(
                "From: someone@example.com",
                "Subject: Delivery Status Notification (Failure)",
                "Content-Type: multipart/report; report-type=delivery-status; boundary=r",
                "",
                "--r",
                "Content-Type: text/plain",
                "",
                "failed",
                "--r--"))).isEqualTo(NoiseFilter.BOUNCE);
    }

    @Test
    void ourOwnMessageIdComingBackIsNoise() throws Exception {
        assertThat(rule(simple("c@example.com", "<T1700000000000abcde.ack@switchboard.local>", "x")))
                .isEqualTo(NoiseFilter.OWN_MESSAGE_ID);
        assertThat(rule(simple("c@example.com", "<abc@switchboard.local.example.com>", "x"))).isNull();
        assertThat(rule(simple("c@example.com", "<abc@example.com>", "x"))).isNull();
    }

    @Test
    void aPersonsMailIsNotNoise() throws Exception {
        assertThat(rule(simple("Customer <c@example.com>", "<1@example.com>", "Where is my order?"))).isNull();
    }

    @Test
    void aSenderOverItsHourlyRateIsNoiseForThatTenantOnly() {
        for (int i = 0; i < 3; i++) {
            assertThat(filter.takeRate("t1", "c@example.com")).isEmpty();
        }
        assertThat(filter.takeRate("t1", "C@Example.com")).hasValueSatisfying(noise ->
                assertThat(noise.reason()).isEqualTo("rate-limit: more than 3 messages an hour from one sender"));
        assertThat(filter.takeRate("t2", "c@example.com")).isEmpty();
        assertThat(filter.takeRate("t1", "other@example.com")).isEmpty();

        filter.refund("t1", "c@example.com");
        assertThat(filter.takeRate("t1", "c@example.com")).isEmpty();
        assertThat(filter.takeRate("t1", "c@example.com")).isPresent();
    }
}
