package dev.switchboard.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Heap figures from a service's unified GC log lines ({@code -Xlog:gc:stdout:utctime}, in its log file), such as
 * {@code [2026-11-27T17:01:02.123+0000] GC(12) Pause Young (Allocation Failure) 312M->25M(1004M) 5.123ms}.
 */
final class GcLog {

    private static final Pattern LINE = Pattern.compile(
            "^\\[([^\\]]+)\\].*GC\\(\\d+\\) Pause .*? (\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\)");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ");

    /**
     * @param maxBeforeMb the fullest the heap got before a collection
     * @param maxAfterMb  the most that stayed live after a collection (what uploads really hold)
     * @param minAfterMb  the least live after a collection
     */
    record Heap(int collections, long maxBeforeMb, long maxAfterMb, long minAfterMb) {
    }

    private GcLog() {
    }

    static Heap between(Path log, Instant from, Instant to) throws IOException {
        int collections = 0;
        long maxBefore = 0;
        long maxAfter = 0;
        long minAfter = Long.MAX_VALUE;
        for (String line : Files.readAllLines(log)) {
            Matcher m = LINE.matcher(line);
            if (!m.find()) {
                continue;
            }
            Instant at = OffsetDateTime.parse(m.group(1), TIME).toInstant();
            if (at.isBefore(from) || at.isAfter(to)) {
                continue;
            }
            collections++;
            maxBefore = Math.max(maxBefore, mb(m.group(2), m.group(3)));
            long after = mb(m.group(4), m.group(5));
            maxAfter = Math.max(maxAfter, after);
            minAfter = Math.min(minAfter, after);
        }
        return new Heap(collections, maxBefore, maxAfter, collections == 0 ? 0 : minAfter);
    }

    private static long mb(String value, String unit) {
        long n = Long.parseLong(value);
        return switch (unit) {
            case "K" -> n / 1024;
            case "G" -> n * 1024;
            default -> n;
        };
    }
}
