package dev.switchboard.devstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP relay on loopback between the services and one piece of infrastructure (the Mongo server, the SMTP
 * relay), so a fault test can take that dependency away as an outage would, connections refused and open
 * ones cut, and bring it back on the same address, without touching its data. Each connection is copied
 * by two virtual threads.
 */
public final class FaultProxy implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FaultProxy.class);

    private final String name;
    private final int port;
    private volatile InetSocketAddress target;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket listener;

    private FaultProxy(String name, int port, InetSocketAddress target) {
        this.name = name;
        this.port = port;
        this.target = target;
    }

    /** Starts relaying {@code 127.0.0.1:port} to {@code target}. */
    public static FaultProxy start(String name, int port, InetSocketAddress target) {
        FaultProxy proxy = new FaultProxy(name, port, target);
        proxy.restore();
        return proxy;
    }

    /** A proxy whose port is known now and whose target only later ({@link #start(InetSocketAddress)}). */
    static FaultProxy reserve(String name, int port) {
        return new FaultProxy(name, port, null);
    }

    /** Starts relaying to a target learnt after the proxy's port was handed out. */
    void start(InetSocketAddress target) {
        this.target = target;
        restore();
    }

    public int port() {
        return port;
    }

    /** Takes the dependency away: new connections are refused, open ones are cut. */
    public synchronized void cut() {
        ServerSocket current = listener;
        listener = null;
        closeQuietly(current);
        open.forEach(FaultProxy::closeQuietly);
        open.clear();
        log.info("{} cut off", name);
    }

    /** Brings the dependency back on the same port. */
    public synchronized void restore() {
        if (listener != null) {
            return;
        }
        try {
            ServerSocket server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(Infrastructure.HOST, port));
            listener = server;
            Thread.ofVirtual().name(name + "-accept").start(() -> accept(server));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot listen for " + name + " on " + port, e);
        }
        log.info("{} restored on port {}", name, port);
    }

    private void accept(ServerSocket server) {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket();
                try {
                    upstream.connect(target, 5_000);
                } catch (IOException e) {
                    closeQuietly(client);
                    closeQuietly(upstream);
                    continue;
                }
                synchronized (this) {
                    // a connection accepted just before cut() must not outlive the outage
                    if (listener != server) {
                        closeQuietly(client);
                        closeQuietly(upstream);
                        return;
                    }
                    open.add(client);
                    open.add(upstream);
                }
                Thread.ofVirtual().start(() -> copy(client, upstream));
                Thread.ofVirtual().start(() -> copy(upstream, client));
            } catch (IOException e) {
                return; // the listener was closed: cut() or close()
            }
        }
    }

    private void copy(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                out.write(buffer, 0, read);
                out.flush();
            }
        } catch (IOException e) {
            // one side went away; the other is closed below
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            open.remove(from);
            open.remove(to);
        }
    }

    @Override
    public void close() {
        cut();
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
