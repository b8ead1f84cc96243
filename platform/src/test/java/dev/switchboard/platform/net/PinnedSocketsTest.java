package dev.switchboard.platform.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import reactor.core.scheduler.Schedulers;

/** Whatever name the mail client connects to, the socket goes to the address the guard checked. */
class PinnedSocketsTest {

    @Test
    void connectsToThePinnedAddressWhateverTheNameResolvesTo() throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (ServerSocket server = new ServerSocket(0, 10, loopback);
             var deadline = new ConnectionDeadline(Duration.ofMinutes(1), Schedulers.parallel())) {
            int port = server.getLocalPort();
            // a name that resolves nowhere stands for one that was re-pointed after the check
            try (Socket socket = PinnedSockets.plain(loopback, deadline).createSocket()) {
                socket.connect(InetSocketAddress.createUnresolved("rebound.invalid", port), 2000);
                assertThat(socket.getInetAddress()).isEqualTo(loopback);
                assertThat(socket.getPort()).isEqualTo(port);
            }
            try (Socket socket = PinnedSockets.plain(loopback, deadline).createSocket("rebound.invalid", port)) {
                assertThat(socket.getInetAddress()).isEqualTo(loopback);
            }
            try (Socket socket = PinnedSockets.tls(loopback, deadline).createSocket()) {
                socket.connect(InetSocketAddress.createUnresolved("rebound.invalid", port), 2000);
                assertThat(socket.getInetAddress()).isEqualTo(loopback);
            }
        }
    }
}
