package dev.switchboard.account.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class FetcherBackoffTest {

    @Test
    void waitsDoubleFromTheInitialOneUpToTheLongest() {
        var backoff = new FetchBackoff(Duration.ofSeconds(30), Duration.ofMinutes(30));
        assertThat(backoff.delay(1)).isEqualTo(Duration.ofSeconds(30));
        assertThat(backoff.delay(2)).isEqualTo(Duration.ofMinutes(1));
        assertThat(backoff.delay(3)).isEqualTo(Duration.ofMinutes(2));
        assertThat(backoff.delay(7)).isEqualTo(Duration.ofMinutes(30));
        assertThat(backoff.delay(10_000)).isEqualTo(Duration.ofMinutes(30));
    }
}
