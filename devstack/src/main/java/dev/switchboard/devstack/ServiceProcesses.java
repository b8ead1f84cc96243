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

    /**
     * One service process to run: its name (and log file), the jar it runs, API port, management port (health,
     * metrics), arguments and secret environment.
     */
    record Spec(String name, String jar, int port, int managementPort, List<String> args, Map<String, String> env) {

        Spec(String name, int port, int managementPort, List<String> args, Map<String, String> env) {
            this(name, name, port, managementPort, args, env);
        }
    }

    /** A developer machine favours start-up time over peak throughput: C1 only, a small serial heap. */
    static final List<String> DEVELOPMENT_JVM = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss512k",
            "-Xmx384m");

    private final Path logsDir;
    private final List<String> jvmOptions;
    private final Map<Spec, Process> running = new LinkedHashMap<>();
    private Path servicesDir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    ServiceProcesses(Path logsDir, List<String> jvmOptions) {
        this.logsDir = logsDir;
        this.jvmOptions = List.copyOf(jvmOptions);
        // children must not outlive the launcher, also when it is interrupted while still starting
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "service-processes-stop"));
    }

    void start(Path servicesDir, List<Spec> specs) {
        try {
            Files.createDirectories(logsDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.servicesDir = servicesDir;
        for (Spec spec : specs) {
            launch(spec, false);
        }
    }

    /** The process id of a running service, for a benchmark's CPU accounting. */
    synchronized long pid(String name) {
        return running.get(spec(name)).pid();
    }

    /** Kills a service as a crash would (SIGKILL: no shutdown hooks, nothing flushed), for fault tests. */
    synchronized void kill(String name) {
        Spec spec = spec(name);
        Process process = running.get(spec);
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException(name + " did not die");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Starts a killed service again on its ports, appending to its log, and waits until it is healthy. */
    synchronized void restart(String name, Duration timeout) {
        Spec spec = spec(name);
        launch(spec, true);
        awaitHealthy(List.of(spec), timeout);
    }

    /**
     * Starts one more instance of a running service under another name, on the given ports, with the same
     * arguments and environment, and waits until it is healthy: several instances sharing the same Kafka and Mongo.
     */
    synchronized void startReplica(String name, String replica, int port, int managementPort, Duration timeout) {
        Spec original = spec(name);
        Spec copy = new Spec(replica, original.jar(), port, managementPort, original.args(), original.env());
        launch(copy, false);
        awaitHealthy(List.of(copy), timeout);
    }

    private Spec spec(String name) {
        return running.keySet().stream().filter(spec -> spec.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No service " + name));
    }

    private void launch(Spec spec, boolean again) {
        String java = ProcessHandle.current().info().command().orElse("java");
        awaitFree(spec, again ? Duration.ofSeconds(30) : Duration.ZERO);
        Path jar = servicesDir.resolve(spec.jar() + ".jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("No " + jar + ": build first (./mvnw -DskipTests package)");
        }
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString(), "--server.port=" + spec.port(), "--server.address=127.0.0.1",
                "--management.server.port=" + spec.managementPort(), "--management.server.address=127.0.0.1"));
        command.addAll(spec.args());
        var logFile = logsDir.resolve(spec.name() + ".log").toFile();
        var builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(again ? ProcessBuilder.Redirect.appendTo(logFile) : ProcessBuilder.Redirect.to(logFile));
        builder.environment().putAll(spec.env());
        try {
            running.put(spec, builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + spec.name(), e);
        }
    }

    /** Checks the ports are free, waiting up to {@code patience} (a killed process's sockets close a moment later). */
    private static void awaitFree(Spec spec, Duration patience) {
        Instant deadline = Instant.now().plus(patience);
        for (int port : new int[] {spec.port(), spec.managementPort()}) {
            while (true) {
                try (var socket = new java.net.ServerSocket()) {
                    socket.setReuseAddress(true);
                    socket.bind(new java.net.InetSocketAddress("127.0.0.1", port));
                    break;
                } catch (IOException e) {
                    if (Instant.now().isAfter(deadline)) {
                        throw new IllegalStateException("Port " + port + " for " + spec.name()
                                + " is already in use; stop what listens there or choose another port");
                    }
                    pause(Duration.ofMillis(200));
                }
            }
        }
    }

    void awaitHealthy(Duration timeout) {
        awaitHealthy(List.copyOf(running.keySet()), timeout);
    }

    /** Waits until each of these services answers healthy; one killed on purpose earlier is not among them. */
    private void awaitHealthy(List<Spec> specs, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        for (Spec spec : specs) {
            Process process = running.get(spec);
            while (!healthy(spec.managementPort())) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(spec.name() + " exited with " + process.exitValue()
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
