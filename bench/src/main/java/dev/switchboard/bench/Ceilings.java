package dev.switchboard.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.bson.Document;

import com.mongodb.client.MongoClients;

/** This machine's ceilings, measured on the same broker and Mongo server the stack uses. */
final class Ceilings {

    private static final Pattern PERF_SUMMARY = Pattern.compile(
            "(\\d+) records sent, ([\\d.]+) records/sec \\(([\\d.]+) MB/sec\\), ([\\d.]+) ms avg latency.*?"
                    + "(\\d+) ms 50th, (\\d+) ms 95th, (\\d+) ms 99th");

    /** @param perSecond records (or inserts) a second; latencies in ms */
    record Figure(double perSecond, double p50, double p95, double p99) {
    }

    private Ceilings() {
    }

    /**
     * Kafka's own producer performance tool ({@code kafka-producer-perf-test}) in its own JVM: 1 KB records,
     * {@code acks=all}, as fast as the broker takes them.
     */
    static Figure kafka(String bootstrapServers, int records, Path workDir) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.createTopics(List.of(new NewTopic("bench.producer-ceiling", 3, (short) 1))).all()
                    .get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
                throw e;
            }
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                "org.apache.kafka.tools.ProducerPerformance", "--topic", "bench.producer-ceiling",
                "--num-records", Integer.toString(records), "--record-size", "1024", "--throughput", "-1",
                "--producer-props", "bootstrap.servers=" + bootstrapServers, "acks=all", "linger.ms=5"));
        Path log = workDir.resolve("kafka-producer-perf.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("The producer performance tool did not end; see " + log);
        }
        Matcher summary = PERF_SUMMARY.matcher(Files.readString(log));
        // only the final summary line carries percentiles
        if (summary.find()) {
            return new Figure(Double.parseDouble(summary.group(2)), Double.parseDouble(summary.group(5)),
                    Double.parseDouble(summary.group(6)), Double.parseDouble(summary.group(7)));
        }
        throw new IllegalStateException("No summary from the producer performance tool; see " + log);
    }

    /** Single-document inserts (about 1 KB, like a ticket) from 8 threads into the stack's Mongo server. */
    static Figure mongoInserts(String mongoUri, Duration duration) throws InterruptedException {
        var count = new LongAdder();
        String padding = "x".repeat(900);
        try (var client = MongoClients.create(mongoUri)) {
            var collection = client.getDatabase("bench-ceiling").getCollection("inserts");
            long end = System.nanoTime() + duration.toNanos();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                threads.add(Thread.ofPlatform().start(() -> {
                    for (long i = 0; System.nanoTime() < end; i++) {
                        collection.insertOne(new Document("thread", thread).append("n", i)
                                .append("subject", "Bench insert " + i).append("body", padding));
                        count.increment();
                    }
                }));
            }
            for (Thread thread : threads) {
                thread.join();
            }
            client.getDatabase("bench-ceiling").drop();
        }
        return new Figure(count.sum() / (double) duration.toSeconds(), Double.NaN, Double.NaN, Double.NaN);
    }
}
