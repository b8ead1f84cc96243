package dev.switchboard.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;

import dev.switchboard.devstack.Infrastructure;
import dev.switchboard.devstack.LocalStack;
import dev.switchboard.devstack.StackSecrets;

/**
 * {@code ./switchboard bench}: starts the whole stack with production JVM settings (Mongo wire server on its
 * in-memory backend, since benchmark data is thrown away), measures this machine's ceilings on the same
 * gateway, broker and Mongo server, drives each workload with Gatling from its own JVM, and writes the figures
 * with their ratios to the ceilings to {@code bench/results/}. Not part of the test suite.
 *
 * <p>Options: {@code --quick} (shorter phases, for trying the command), {@code --sustained-rate=500},
 * {@code --sustained-seconds=60}, {@code --latency-rate=200}, {@code --answer-rate=100}, {@code --profile} (a JFR
 * recording of every service, written to the run's log folder when the stack stops).
 */
public final class Bench {

    /**
     * What a production deployment would run: tiered compilation up to C2, a throughput collector, a fixed heap, and
     * room for compiled code: with the default 240 MB, the JIT's growth past a share of it set off full collections
     * ("CodeCache GC Threshold", 0.3-1.3 s each on these cores) in the middle of measured phases.
     */
    static final List<String> PRODUCTION_JVM = List.of("-XX:+UseParallelGC", "-Xms1g", "-Xmx1g", "-Xss512k",
            "-XX:ReservedCodeCacheSize=512m", "--enable-native-access=ALL-UNNAMED", "-Xlog:gc:stdout:utctime");
    static final String MONGO_BACKEND = "mongo-java-server in-memory backend, with lookups through unique and "
            + "secondary indexes (devstack KeyedMemoryBackend)";
    private static final Duration MAIL_PATIENCE = Duration.ofSeconds(180);
    private static final List<String> SERVICES = List.of("gateway", "account-service", "ticket-service",
            "attachment-service", "notification-service");

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = parse(args);
        boolean quick = options.containsKey("quick");
        int sustainedRate = Integer.parseInt(options.getOrDefault("sustained-rate", "500"));
        int sustainedSeconds = Integer.parseInt(options.getOrDefault("sustained-seconds", quick ? "15" : "60"));
        int latencyRate = Integer.parseInt(options.getOrDefault("latency-rate", "200"));
        int answerRate = Integer.parseInt(options.getOrDefault("answer-rate", "100"));
        int phaseSeconds = quick ? 10 : 30;

        Instant startedAt = Instant.now();
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(startedAt);
        Path work = Path.of("bench", "target", "run-" + stamp).toAbsolutePath();
        Files.createDirectories(work);
        var demo = new LocalStack.DemoTenant("demo", "DemoOrg0001", hex(16), hex(24), "demo", "Demo Support",
                "support@demo.switchboard.local",
                "<html><body><h2>Demo Support</h2><div>#{content}</div><hr><small>Sent by Switchboard</small></body></html>");
        // one tenant takes all of the benchmark's mail: its send rate limit is raised, and it may have every sender
        // in conversation with the relay (a share exists to keep other tenants' mail going); the report says so
        Map<String, List<String>> settings = Map.of("notification-service", List.of(
                "--switchboard.notification.sending.rate.per-second=100000",
                "--switchboard.notification.sending.rate.burst=100000",
                "--switchboard.notification.sending.per-tenant-concurrency=64"));
        System.out.println("Starting the stack with " + String.join(" ", PRODUCTION_JVM) + " and " + MONGO_BACKEND
                + "; logs in " + work.resolve("logs"));
        List<String> jvm = new ArrayList<>(PRODUCTION_JVM);
        if (options.containsKey("profile")) {
            // deep stacks: at the default 64 frames a Reactor chain loses the caller that explains a sample
            jvm.add("-XX:FlightRecorderOptions:stackdepth=256");
            jvm.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename=" + work.resolve("logs")
                    .resolve("service-%p.jfr"));
        }
        var stackOptions = new LocalStack.Options(Path.of("devstack", "target", "services").toAbsolutePath(),
                work.resolve("logs"), Infrastructure.Options.measuring(), 0, StackSecrets.generate(), demo,
                settings, jvm);
        var report = new Report(startedAt, jvm, MONGO_BACKEND, settings.get("notification-service"));
        try (LocalStack stack = LocalStack.start(stackOptions);
             MongoClient mongo = MongoClients.create(stack.infrastructure().mongoUri())) {
            Map<String, Long> pids = new LinkedHashMap<>();
            SERVICES.forEach(service -> pids.put(service, stack.pid(service)));
            System.out.println("Service processes: " + pids);
            // the broker, the Mongo server and GreenMail run in this JVM
            pids.put("Kafka + Mongo + GreenMail (this JVM)", ProcessHandle.current().pid());
            var target = new Target(stack.baseUrl(), demo.serviceId(), demo.organizationId(), demo.serviceKey(), 0,
                    0, 0, "warmup", null);
            var mails = new MailLatency(stack.infrastructure().mail(), mongo);

            step("warm-up: tickets at 100/s for " + phaseSeconds + " s (JIT), not reported");
            GatlingRun.run(TicketSimulation.class, target.load(100, phaseSeconds, 0, "warmup-" + stamp, null),
                    List.of(), work);
            awaitMails(mails, mails.tickets("warmup-" + stamp).keySet().stream()
                    .collect(java.util.stream.Collectors.toMap(id -> id + ".ack", id -> 0L)));
            // the answer path (solve, the answer mail) is compiled too before anything is measured
            step("warm-up: answers at 50/s for " + phaseSeconds / 2 + " s (JIT), not reported");
            var warmTickets = mails.tickets("warmup-" + stamp);
            GatlingRun.run(AnswerSimulation.class, target.load(50, phaseSeconds / 2, 0, "warmup-" + stamp,
                    feed(work, "warmup-feed.csv", warmTickets.keySet()).toString()), List.of(), work);
            awaitMails(mails, mails.replies(warmTickets.keySet()));

            step("ceiling: a signed request to an unknown path through the gateway (16 clients, "
                    + phaseSeconds + " s)");
            report.trivial = GatlingRun.run(TrivialRouteSimulation.class,
                    target.load(0, phaseSeconds, 16, "trivial-" + stamp, null), List.of(), work);
            step("ceiling: Kafka's producer performance tool on the same broker");
            report.kafka = Ceilings.kafka(stack.infrastructure().kafkaBootstrapServers(), quick ? 100_000 : 300_000,
                    work);
            step("ceiling: single-document inserts into the same Mongo server (8 threads, 10 s)");
            report.mongo = Ceilings.mongoInserts(stack.infrastructure().mongoUri(), Duration.ofSeconds(10));

            step("tickets at " + latencyRate + "/s for " + phaseSeconds + " s");
            report.latency = ticketPhase(target.load(latencyRate, phaseSeconds, 0, "latency-" + stamp, null), mails,
                    pids, work);
            step("tickets at " + sustainedRate + "/s for " + sustainedSeconds + " s");
            report.sustained = ticketPhase(target.load(sustainedRate, sustainedSeconds, 0, "sustained-" + stamp,
                    null), mails, pids, work);

            step("public reads (16 clients, " + phaseSeconds + " s)");
            Instant readsFrom = Instant.now();
            report.reads = GatlingRun.run(ReadSimulation.class,
                    target.load(0, phaseSeconds, 16, "reads-" + stamp, null), List.of(), work);
            report.readsHeap = heaps(stack, work, readsFrom, Instant.now());

            for (int size : new int[] {1 << 20, 10 << 20}) {
                step("uploads of " + size / (1 << 20) + " MB (4 clients, " + phaseSeconds + " s)");
                Instant from = Instant.now();
                var stats = GatlingRun.run(UploadSimulation.class,
                        target.load(0, phaseSeconds, 4, "upload" + size + "-" + stamp, null),
                        List.of("-Dbench.size=" + size), work);
                report.uploads.add(new Report.Upload(size, 4, stats, heaps(stack, work, from, Instant.now())));
            }

            step("solve -> answer mail at " + answerRate + "/s for " + phaseSeconds + " s");
            report.answers = answerPhase(target, answerRate, phaseSeconds, stamp, mails, work);
        }
        Path written = report.write(Path.of("bench", "results"));
        System.out.println();
        System.out.println(Files.readString(written));
        System.out.println("Written to " + written + " and bench/results/latest.md; work files in " + work);
        System.exit(0);
    }

    /** Tickets at a fixed rate, then every acknowledgement awaited and timed from its ticket. */
    private static Report.TicketPhase ticketPhase(Target target, MailLatency mails, Map<String, Long> pids,
                                                  Path work) throws Exception {
        Map<String, Double> cpuBefore = ProcessCpu.snapshot(pids);
        Double loadBefore = ProcessCpu.reapedChildren();
        var stats = GatlingRun.run(TicketSimulation.class, target, List.of(), work);
        Double loadAfter = ProcessCpu.reapedChildren();
        Double load = loadBefore == null || loadAfter == null ? null : loadAfter - loadBefore;
        Map<String, Long> acks = new LinkedHashMap<>();
        mails.tickets(target.runId()).forEach((id, createdAt) -> acks.put(id + ".ack", createdAt));
        var latency = awaitMails(mails, acks);
        // counted before the stages are read: that query runs in this JVM, whose CPU is the infrastructure's
        var cpu = ProcessCpu.since(cpuBefore, pids);
        var stages = mails.stages(mails.tickets(target.runId()).keySet());
        return new Report.TicketPhase(target.rate(), target.seconds(), stats, latency, stages, cpu, load);
    }

    private static Report.AnswerPhase answerPhase(Target target, int rate, int seconds, String stamp,
                                                  MailLatency mails, Path work) throws Exception {
        // tickets to answer, made beforehand at a gentle rate, their acknowledgements out of the way
        String runId = "answers-" + stamp;
        GatlingRun.run(TicketSimulation.class, target.load(Math.max(50, rate), seconds, 0, runId, null), List.of(),
                work);
        Map<String, Long> tickets = mails.tickets(runId);
        Map<String, Long> acks = new LinkedHashMap<>();
        tickets.keySet().forEach(id -> acks.put(id + ".ack", 0L));
        awaitMails(mails, acks);
        Path feed = feed(work, "answer-feed.csv", tickets.keySet());
        int answers = Math.min(tickets.size(), rate * seconds);
        var stats = GatlingRun.run(AnswerSimulation.class,
                target.load(rate, answers / rate, 0, runId, feed.toString()), List.of(), work);
        var replies = mails.replies(tickets.keySet());
        return new Report.AnswerPhase(rate, stats, awaitMails(mails, replies));
    }

    /** The tickets an answer simulation answers, one per line. */
    private static Path feed(Path work, String name, java.util.Collection<String> ticketIds) throws IOException {
        Path feed = work.resolve(name);
        List<String> lines = new ArrayList<>(List.of("ticketId"));
        lines.addAll(ticketIds);
        Files.write(feed, lines);
        return feed;
    }

    /** Waits until every expected mail is in the SMTP server, or none arrived for a while, or the patience ran out. */
    private static MailLatency.Result awaitMails(MailLatency mails, Map<String, Long> triggers) throws Exception {
        Instant deadline = Instant.now().plus(MAIL_PATIENCE);
        int seen = -1;
        Instant progress = Instant.now();
        while (true) {
            var result = mails.measure(triggers);
            if (result.latencies().size() >= triggers.size() || Instant.now().isAfter(deadline)
                    || Duration.between(progress, Instant.now()).compareTo(Duration.ofSeconds(30)) > 0) {
                return result;
            }
            if (result.latencies().size() != seen) {
                seen = result.latencies().size();
                progress = Instant.now();
            }
            Thread.sleep(1000);
        }
    }

    private static Map<String, GcLog.Heap> heaps(LocalStack stack, Path work, Instant from, Instant to)
            throws IOException {
        Map<String, GcLog.Heap> heaps = new LinkedHashMap<>();
        for (String service : List.of("gateway", "attachment-service")) {
            heaps.put(service, GcLog.between(work.resolve("logs").resolve(service + ".log"), from, to));
        }
        return heaps;
    }

    private static void step(String what) {
        System.out.printf(Locale.ROOT, "[%s] %s%n", DateTimeFormatter.ISO_LOCAL_TIME.format(
                java.time.LocalTime.now(ZoneOffset.UTC).withNano(0)), what);
    }

    private static String hex(int bytes) {
        byte[] random = new byte[bytes];
        new SecureRandom().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (String arg : args) {
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("Unknown argument " + arg);
            }
            int eq = arg.indexOf('=');
            options.put(eq < 0 ? arg.substring(2) : arg.substring(2, eq), eq < 0 ? "" : arg.substring(eq + 1));
        }
        return options;
    }

    static String jvmVersion() {
        return System.getProperty("java.vm.name") + " " + Runtime.version() + " ("
                + ManagementFactory.getRuntimeMXBean().getVmVendor() + ")";
    }
}
