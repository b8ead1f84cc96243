package dev.switchboard.platform.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Only literals are checked here: resolving them needs no DNS. */
class MailHostGuardTest {

    static MailHostGuard guard(List<String> allowed) {
        return new MailHostGuard(allowed);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            // IPv4 special-purpose networks
            "127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1",
            "100.127.255.254", "0.0.0.0", "0.1.2.3", "198.18.0.1", "198.19.255.255", "240.0.0.1",
            "255.255.255.255", "224.0.0.1", "239.255.255.250", "192.0.0.8", "192.0.2.1", "198.51.100.7",
            "203.0.113.5",
            // IPv6 loopback, unspecified, unique-local, link-local, site-local, multicast, documentation
            "::1", "0:0:0:0:0:0:0:1", "::", "fe80::1", "febf::1", "fd00::1", "fc00::1", "fec0::1", "ff02::1",
            "ff0e::1", "2001:db8::1",
            // IPv4-mapped and -translated spellings of internal IPv4 addresses
            "::ffff:10.0.0.1", "::ffff:127.0.0.1", "::ffff:a00:1", "::ffff:169.254.169.254", "::ffff:0:10.0.0.1",
            // IPv4-compatible (deprecated): refused whatever it embeds
            "::10.0.0.1", "::127.0.0.1", "::a00:1", "::8.8.8.8",
            // NAT64 of internal IPv4 addresses, and the local-use NAT64 prefix
            "64:ff9b::10.0.0.1", "64:ff9b::7f00:1", "64:ff9b::169.254.169.254", "64:ff9b:1::808:808",
            // 6to4 embedding an internal IPv4 address
            "2002:a00:1::1", "2002:7f00:1::", "2002:c0a8:101::1", "2002:a9fe:a9fe::1",
            // Teredo hides the client address; discard-only
            "2001:0:4136:e378::1", "100::1"})
    void refusesInternalAddresses(String address) {
        assertThatThrownBy(() -> guard(List.of()).check(address))
                .isInstanceOf(MailHostGuard.RefusedHostException.class)
                .hasMessageContaining("private or reserved");
    }

    @ParameterizedTest
    @ValueSource(strings = {"93.184.216.34", "8.8.8.8", "2001:4860:4860::8888", "100.128.0.1", "198.20.0.1",
            "223.255.255.1", "::ffff:8.8.8.8", "64:ff9b::8.8.8.8", "2002:808:808::1"})
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

    @Test
    void allowingLoopbackDoesNotAllowItsOtherSpellings() {
        var guard = guard(List.of("127.0.0.1/32"));
        for (String spelling : List.of("::127.0.0.1", "64:ff9b::127.0.0.1", "2002:7f00:1::1", "::1")) {
            assertThatThrownBy(() -> guard.check(spelling)).isInstanceOf(MailHostGuard.RefusedHostException.class);
        }
    }

    @Test
    void refusesANetworkWhosePrefixIsLongerThanItsAddress() {
        assertThatThrownBy(() -> guard(List.of("10.0.0.0/33"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void passwordsGoInClearOnlyToAnAllowedLoopbackServer() throws Exception {
        var local = guard(List.of("127.0.0.1/32", "10.0.0.0/8"));
        assertThat(local.mayLoginInClear(InetAddress.getByName("127.0.0.1"))).isTrue();
        assertThat(local.mayLoginInClear(InetAddress.getByName("10.1.2.3"))).isFalse();
        assertThat(local.mayLoginInClear(InetAddress.getByName("93.184.216.34"))).isFalse();
        assertThat(guard(List.of()).mayLoginInClear(InetAddress.getByName("127.0.0.1"))).isFalse();
    }
}
