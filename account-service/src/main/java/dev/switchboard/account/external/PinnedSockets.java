package dev.switchboard.account.external;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;

import javax.net.SocketFactory;
import javax.net.ssl.SSLSocketFactory;

/**
 * Socket factories for the mail client that connect to the address {@link MailHostGuard} checked, whatever
 * the name resolves to by the time the client connects: a DNS answer that changes between the check and
 * the connection (DNS rebinding) cannot redirect the login to an internal host. TLS still runs against the
 * host name (SNI and the server identity check use the name the tenant gave).
 */
final class PinnedSockets {

    private PinnedSockets() {
    }

    /**
     * Plain connections (and the socket a STARTTLS upgrade wraps) to the checked address, each closed when
     * the login's deadline passes.
     */
    static SocketFactory plain(InetAddress address, LoginDeadline deadline) {
        return new SocketFactory() {
            @Override
            public Socket createSocket() {
                return deadline.track(new PinnedSocket(address));
            }

            @Override
            public Socket createSocket(String host, int port) throws IOException {
                return connected(address, port, deadline);
            }

            @Override
            public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
                return connected(address, port, deadline);
            }

            @Override
            public Socket createSocket(InetAddress host, int port) throws IOException {
                return connected(address, port, deadline);
            }

            @Override
            public Socket createSocket(InetAddress host, int port, InetAddress localAddress, int localPort)
                    throws IOException {
                return connected(address, port, deadline);
            }
        };
    }

    /**
     * TLS from the first byte: a pinned plain socket under the login's deadline, wrapped by the platform's
     * TLS for the host name. Closing the plain socket also ends a TLS read blocked on it.
     */
    static SSLSocketFactory tls(InetAddress address, LoginDeadline deadline) {
        SSLSocketFactory platform = (SSLSocketFactory) SSLSocketFactory.getDefault();
        return new SSLSocketFactory() {
            @Override
            public Socket createSocket() {
                return deadline.track(new PinnedSocket(address));
            }

            @Override
            public Socket createSocket(Socket socket, String host, int port, boolean autoClose) throws IOException {
                return platform.createSocket(socket, host, port, autoClose);
            }

            @Override
            public Socket createSocket(String host, int port) throws IOException {
                return platform.createSocket(connected(address, port, deadline), host, port, true);
            }

            @Override
            public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
                return platform.createSocket(connected(address, port, deadline), host, port, true);
            }

            @Override
            public Socket createSocket(InetAddress host, int port) throws IOException {
                return platform.createSocket(connected(address, port, deadline), host.getHostName(), port, true);
            }

            @Override
            public Socket createSocket(InetAddress host, int port, InetAddress localAddress, int localPort)
                    throws IOException {
                return platform.createSocket(connected(address, port, deadline), host.getHostName(), port, true);
            }

            @Override
            public String[] getDefaultCipherSuites() {
                return platform.getDefaultCipherSuites();
            }

            @Override
            public String[] getSupportedCipherSuites() {
                return platform.getSupportedCipherSuites();
            }
        };
    }

    private static Socket connected(InetAddress address, int port, LoginDeadline deadline) throws IOException {
        Socket socket = deadline.track(new PinnedSocket(address));
        socket.connect(new InetSocketAddress(address, port));
        return socket;
    }

    /** A socket that connects to its pinned address on whatever port it is asked for. */
    static final class PinnedSocket extends Socket {

        private final InetAddress address;

        PinnedSocket(InetAddress address) {
            this.address = address;
        }

        @Override
        public void connect(SocketAddress endpoint, int timeout) throws IOException {
            if (!(endpoint instanceof InetSocketAddress target)) {
                throw new IOException("Unsupported address type " + endpoint);
            }
            super.connect(new InetSocketAddress(address, target.getPort()), timeout);
        }
    }
}
