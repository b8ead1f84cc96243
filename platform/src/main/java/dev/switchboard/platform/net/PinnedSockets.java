package dev.switchboard.platform.net;

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
 * the connection (DNS rebinding) cannot redirect the conversation to an internal host. TLS still runs
 * against the host name (SNI and the server identity check use the name the tenant gave). Every socket is
 * put under the conversation's {@link ConnectionDeadline}.
 *
 * <p>For Angus Mail, set {@code mail.<protocol>.socketFactory} to {@link #plain} and
 * {@code mail.<protocol>.ssl.socketFactory} to {@link #tls} (the latter also wraps STARTTLS).
 */
public final class PinnedSockets {

    private PinnedSockets() {
    }

    /**
     * Plain connections (and the socket a STARTTLS upgrade wraps) to the checked address, each closed when
     * the conversation's deadline passes.
     */
    public static SocketFactory plain(InetAddress address, ConnectionDeadline deadline) {
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
     * TLS from the first byte: a pinned plain socket under the deadline, wrapped by the platform's TLS (the
     * JVM's trusted certificates) for the host name. Closing the plain socket also ends a TLS read blocked
     * on it.
     */
    public static SSLSocketFactory tls(InetAddress address, ConnectionDeadline deadline) {
        return tls(address, deadline, (SSLSocketFactory) SSLSocketFactory.getDefault());
    }

    /**
     * As {@link #tls(InetAddress, ConnectionDeadline)}, with the given TLS doing the wrapping (its own trust
     * decisions, socket parameters), also for the STARTTLS upgrade of a pinned plain socket.
     */
    public static SSLSocketFactory tls(InetAddress address, ConnectionDeadline deadline, SSLSocketFactory platform) {
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

    private static Socket connected(InetAddress address, int port, ConnectionDeadline deadline) throws IOException {
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
