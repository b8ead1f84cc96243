package dev.switchboard.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Runs after every other IT (class order, see {@code junit-platform.properties}) and reads what every service
 * logged during the run. An ERROR line is a bug even when every test was green (a sweep that died, a buffer
 * released twice) unless a test provoked it on purpose and it is listed in {@link #EXPECTED}.
 */
@Order(Integer.MAX_VALUE)
class ServiceLogAuditIT {

    /** Spring Boot's console format: timestamp, level, pid, "---". */
    private static final Pattern ERROR_LINE = Pattern.compile("^\\S+\\s+ERROR\\s+\\d+\\s+---");

    /** ERROR lines that a test provokes on purpose; each entry names the test that does. */
    static final List<Pattern> EXPECTED = List.of();

    @Test
    void noServiceLoggedAnErrorThatNoTestExpected() throws IOException {
        Path logs = Path.of(System.getProperty("switchboard.logs.dir", "target/it-logs"));
        assertThat(logs).as("the ITs' service logs").isDirectory();
        List<String> unexpected = new ArrayList<>();
        try (Stream<Path> files = Files.list(logs)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
                assertThat(Files.size(file)).as("log of " + file.getFileName()).isPositive();
                for (String line : Files.readAllLines(file)) {
                    if (ERROR_LINE.matcher(line).find() && EXPECTED.stream().noneMatch(p -> p.matcher(line).find())) {
                        unexpected.add(file.getFileName() + ": " + line);
                    }
                }
            }
        }
        assertThat(unexpected).as("ERROR lines no test expected").isEmpty();
    }
}
