package dev.switchboard.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each service from its runnable jar in its own JVM, as production runs each in its own
 * container, with its log in a file; waits for every one to report healthy; stops them all on close.
 */
final class ServiceProcesses implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ServiceProcesses.class);

    /** One service to run: its jar name, port, arguments and secret environment. */
    record Spec(String name, int port, List<String> args, Map<String, String> env) {
    }

    private final Path logsDir;
    private final Map<Spec, Process> running = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    ServiceProcesses(Path logsDir) {
        this.logsDir = logsDir;
        // children must not outlive the launcher, also when it is interrupted while still starting
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "service-processes-stop"));
    }

    void start(Path servicesDir, List<Spec> specs) {
        try {
            Files.createDirectories(logsDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        for (Spec spec : specs) {
            ensureFree(spec);
            Path jar = servicesDir.resolve(spec.name() + ".jar");
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException("No " + jar + ": build first (./mvnw -DskipTests package)");
            }
            List<String> command = new ArrayList<>(List.of(java,
                    // a developer machine favours start-up time over peak throughput
                    "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss512k", "-Xmx384m",
                    "-jar", jar.toString(), "--server.port=" + spec.port(), "--server.address=127.0.0.1"));
            command.addAll(spec.args());
            var builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(logsDir.resolve(spec.name() + ".log").toFile());
            builder.environment().putAll(spec.env());
            try {
                running.put(spec, builder.start());
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot start " + spec.name(), e);
            }
        }
    }

    private static void ensureFree(Spec spec) {
        try (var socket = new java.net.ServerSocket()) {
            socket.bind(new java.net.InetSocketAddress("127.0.0.1", spec.port()));
        } catch (IOException e) {
            throw new IllegalStateException("Port " + spec.port() + " for " + spec.name()
                    + " is already in use; stop what listens there or choose another port");
        }
    }

    void awaitHealthy(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        for (var entry : running.entrySet()) {
            Spec spec = entry.getKey();
            while (!healthy(spec.port())) {
                if (!entry.getValue().isAlive()) {
                    throw new IllegalStateException(spec.name() + " exited with " + entry.getValue().exitValue()
                            + "; see " + logsDir.resolve(spec.name() + ".log") + "\n" + tail(spec.name()));
                }
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException(spec.name() + " was not healthy within " + timeout + "; see "
                            + logsDir.resolve(spec.name() + ".log") + "\n" + tail(spec.name()));
                }
                pause(Duration.ofMillis(250));
            }
            log.info("{} is healthy on port {}", spec.name(), spec.port());
        }
    }

    private boolean healthy(int port) {
        try {
            var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))
                    .timeout(Duration.ofSeconds(2)).GET().build();
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private String tail(String name) {
        try {
            List<String> lines = Files.readAllLines(logsDir.resolve(name + ".log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }

    /** Stops every service gracefully (SIGTERM), and forcibly after a grace period. */
    @Override
    public synchronized void close() {
        running.values().forEach(Process::destroy);
        for (Process process : running.values()) {
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        running.clear();
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the services", e);
        }
    }
}
