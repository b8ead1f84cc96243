package dev.switchboard.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** CPU time of processes from {@code /proc/<pid>/stat} (user + system), for CPU per ticket by service. */
final class ProcessCpu {

    private static final double TICKS_PER_SECOND = 100.0;

    private ProcessCpu() {
    }

    /** CPU milliseconds used so far by each process, by name; empty where /proc is not there. */
    static Map<String, Double> snapshot(Map<String, Long> pids) {
        Map<String, Double> cpu = new LinkedHashMap<>();
        pids.forEach((name, pid) -> {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                // fields after the command name, which is in parentheses and may hold spaces
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                cpu.put(name, ticks * 1000.0 / TICKS_PER_SECOND);
            } catch (IOException | RuntimeException e) {
                // not Linux, or the process is gone: no figure
            }
        });
        return cpu;
    }

    /**
     * CPU milliseconds of this process's children that ended and were waited for (the load generator's runs), or
     * null where /proc is not there: the kernel adds a reaped child's time to its parent's {@code cutime} and
     * {@code cstime}.
     */
    static Double reapedChildren() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[13]) + Long.parseLong(fields[14])) * 1000.0 / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static Map<String, Double> since(Map<String, Double> before, Map<String, Long> pids) {
        Map<String, Double> now = snapshot(pids);
        Map<String, Double> used = new LinkedHashMap<>();
        now.forEach((name, ms) -> used.put(name, ms - before.getOrDefault(name, 0.0)));
        return used;
    }
}
