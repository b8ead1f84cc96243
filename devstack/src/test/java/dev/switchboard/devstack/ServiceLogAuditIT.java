package dev.switchboard.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
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

    /**
     * ERROR lines Kafka's clients write while the broker is unreachable (DependencyOutageIT's broker outage):
     * a consumer that lost its group cannot commit, the record is delivered again and the consumers are
     * idempotent. Accepted only inside a recorded outage of that dependency ({@link FaultWindows}).
     */
    static final Map<String, List<Pattern>> EXPECTED_DURING = Map.of("kafka", List.of(
            Pattern.compile("ConsumerCoordinator +: .*Offset commit failed on partition"),
            Pattern.compile("KafkaMessageListenerContainer +: Error handler threw an exception")));
    private static final Pattern TIMESTAMP = Pattern.compile("^(\\S+Z)\\s");

    @Test
    void noServiceLoggedAnErrorThatNoTestExpected() throws IOException {
        Path logs = Path.of(System.getProperty("switchboard.logs.dir", "target/it-logs"));
        assertThat(logs).as("the ITs' service logs").isDirectory();
        List<FaultWindows.Window> outages = FaultWindows.read();
        List<String> unexpected = new ArrayList<>();
        try (Stream<Path> files = Files.list(logs)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
                assertThat(Files.size(file)).as("log of " + file.getFileName()).isPositive();
                for (String line : Files.readAllLines(file)) {
                    if (ERROR_LINE.matcher(line).find() && EXPECTED.stream().noneMatch(p -> p.matcher(line).find())
                            && !duringAnOutageThatCausesIt(line, outages)) {
                        unexpected.add(file.getFileName() + ": " + line);
                    }
                }
            }
        }
        assertThat(unexpected).as("ERROR lines no test expected").isEmpty();
    }

    private static boolean duringAnOutageThatCausesIt(String line, List<FaultWindows.Window> outages) {
        Matcher time = TIMESTAMP.matcher(line);
        if (!time.find()) {
            return false;
        }
        Instant at = Instant.parse(time.group(1));
        return outages.stream().anyMatch(window -> window.covers(at)
                && EXPECTED_DURING.getOrDefault(window.dependency(), List.of()).stream()
                        .anyMatch(pattern -> pattern.matcher(line).find()));
    }
}
