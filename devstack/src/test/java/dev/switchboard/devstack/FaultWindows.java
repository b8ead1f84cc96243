package dev.switchboard.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * When a fault test took a dependency away, kept beside the service logs ({@code fault-windows.txt}), so
 * {@link ServiceLogAuditIT} accepts the ERROR lines that outage causes (and only those, only then) while
 * still failing on any other.
 */
final class FaultWindows {

    /** How long after a dependency came back its clients may still report the outage. */
    static final Duration AFTERMATH = Duration.ofSeconds(90);

    record Window(String dependency, Instant start, Instant end) {
        boolean covers(Instant moment) {
            return !moment.isBefore(start) && !moment.isAfter(end.plus(AFTERMATH));
        }
    }

    private FaultWindows() {
    }

    static Path file() {
        return Path.of(System.getProperty("switchboard.logs.dir", "target/it-logs")).resolve("fault-windows.txt");
    }

    static synchronized void record(String dependency, Instant start, Instant end) {
        try {
            Files.createDirectories(file().getParent());
            Files.writeString(file(), dependency + " " + start + " " + end + "\n", StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Window> read() throws IOException {
        if (!Files.exists(file())) {
            return List.of();
        }
        return Files.readAllLines(file()).stream().filter(line -> !line.isBlank())
                .map(line -> line.split(" "))
                .map(parts -> new Window(parts[0], Instant.parse(parts[1]), Instant.parse(parts[2])))
                .toList();
    }
}
