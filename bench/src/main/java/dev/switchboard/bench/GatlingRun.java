package dev.switchboard.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one Gatling simulation in its own JVM (the load never shares a process with what it measures) and reads
 * the figures Gatling printed at the end (percentiles 50/75/95/99, Gatling's defaults).
 */
final class GatlingRun {

    /** What Gatling measured over all requests of a run. */
    record Stats(long ok, long ko, double perSecond, long p50, long p95, long p99, long max) {
    }

    private GatlingRun() {
    }

    static Stats run(Class<?> simulation, Target target, List<String> extraJvmArguments, Path workDir)
            throws IOException, InterruptedException {
        Path results = workDir.resolve("gatling");
        Files.createDirectories(results);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xms512m", "-Xmx1g", "-XX:+UseParallelGC",
                // what Gatling's own launchers pass: its log writer reads String internals
                "--add-opens=java.base/java.lang=ALL-UNNAMED"));
        command.addAll(target.asJvmArguments());
        command.addAll(extraJvmArguments);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.gatling.app.Gatling",
                "--simulation", simulation.getName(), "--results-folder", results.toString(),
                "--run-description", target.runId()));
        Path log = workDir.resolve("gatling-" + simulation.getSimpleName() + "-" + target.runId() + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(target.seconds() + 600L, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("Gatling did not end; see " + log);
        }
        return summary(Files.readAllLines(log), log);
    }

    /**
     * The OK column of the last "Global Information" block Gatling printed, such as
     * {@code > response time 99th percentile (ms) |  36,441 |  36,303 |  36,441} (Total, OK, KO).
     */
    static Stats summary(List<String> lines, Path log) {
        int from = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("---- Global Information")) {
                from = i;
            }
        }
        if (from < 0) {
            throw new IllegalStateException("Gatling printed no summary; see " + log);
        }
        Map<String, double[]> rows = new HashMap<>();
        for (int i = from + 1; i < lines.size() && lines.get(i).startsWith(">"); i++) {
            String[] cells = lines.get(i).substring(1).split("\\|");
            if (cells.length >= 4) {
                rows.put(cells[0].trim(), new double[] {number(cells[1]), number(cells[2]), number(cells[3])});
            }
        }
        return new Stats((long) ok(rows, "request count"), (long) rows.getOrDefault("request count",
                new double[3])[2], ok(rows, "mean throughput (rps)"),
                (long) ok(rows, "response time 50th percentile (ms)"),
                (long) ok(rows, "response time 95th percentile (ms)"),
                (long) ok(rows, "response time 99th percentile (ms)"), (long) ok(rows, "max response time (ms)"));
    }

    private static double ok(Map<String, double[]> rows, String label) {
        double[] row = rows.get(label);
        return row == null ? 0 : row[1];
    }

    private static double number(String cell) {
        String value = cell.trim().replace(",", "");
        return value.isEmpty() || value.equals("-") ? 0 : Double.parseDouble(value);
    }
}
