package dev.switchboard.account.external;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.switchboard.account.config.AccountProperties;

class MailHostGuardTest {

    static MailHostGuard guard(List<String> allowed) {
        return new MailHostGuard(new AccountProperties("t", "k", "e", "oc.example", allowed, Duration.ofSeconds(1),
                Duration.ofSeconds(1)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1",
            "0.0.0.0", "224.0.0.1", "::1", "fe80::1", "fd00::1"})
    void refusesInternalAddresses(String address) {
        assertThatThrownBy(() -> guard(List.of()).check(address))
                .isInstanceOf(MailHostGuard.RefusedHostException.class)
                .hasMessageContaining("private or reserved");
    }

    @ParameterizedTest
    @ValueSource(strings = {"93.184.216.34", "8.8.8.8", "2001:4860:4860::8888"})
    void acceptsPublicAddresses(String address) throws Exception {
        assertThat(guard(List.of()).check(address)).isEqualTo(InetAddress.getByName(address));
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.0.0.1/32", "127.0.0.0/8"})
    void letsTheOperatorAllowANetwork(String network) throws Exception {
        assertThat(guard(List.of(network)).check("127.0.0.1").getHostAddress()).isEqualTo("127.0.0.1");
        assertThatThrownBy(() -> guard(List.of(network)).check("10.0.0.1"))
                .isInstanceOf(MailHostGuard.RefusedHostException.class);
    }
}
