package dev.switchboard.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The figures of one benchmark run, as a Markdown file with date, machine, versions and JVM settings. */
final class Report {

    /** @param loadMillis CPU of the load generator's process over the phase; null where it could not be read */
    record TicketPhase(double rate, int seconds, GatlingRun.Stats api, MailLatency.Result acks,
                       MailLatency.Stages stages, Map<String, Double> cpuMillis, Double loadMillis) {
    }

    record AnswerPhase(int rate, GatlingRun.Stats api, MailLatency.Result mails) {
    }

    record Upload(int size, int clients, GatlingRun.Stats stats, Map<String, GcLog.Heap> heaps) {
    }

    private final Instant startedAt;
    private final List<String> jvm;
    private final String mongoBackend;
    private final List<String> benchSettings;
    GatlingRun.Stats trivial;
    Ceilings.Figure kafka;
    Ceilings.Figure mongo;
    TicketPhase latency;
    TicketPhase sustained;
    GatlingRun.Stats reads;
    Map<String, GcLog.Heap> readsHeap;
    final List<Upload> uploads = new ArrayList<>();
    AnswerPhase answers;

    Report(Instant startedAt, List<String> jvm, String mongoBackend, List<String> benchSettings) {
        this.startedAt = startedAt;
        this.jvm = jvm;
        this.mongoBackend = mongoBackend;
        this.benchSettings = benchSettings;
    }

    Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        String text = render();
        String name = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HHmm'Z'").withZone(ZoneOffset.UTC).format(startedAt)
                + ".md";
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        Files.writeString(dir.resolve("latest.md"), text);
        return file;
    }

    String render() {
        var out = new StringBuilder();
        out.append("# Switchboard benchmark, ").append(DateTimeFormatter.ISO_INSTANT.format(startedAt)).append("\n\n");
        out.append("- machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
                .append(cpuModel()).append(", ").append(memory()).append("; everything on one box\n");
        out.append("- services' JVM: ").append(Bench.jvmVersion()).append(", `").append(String.join(" ", jvm))
                .append("`\n");
        out.append("- Mongo: ").append(mongoBackend).append("; Kafka: one KRaft broker (kafka-test-common-runtime); ")
                .append("SMTP: GreenMail; load: Gatling (own JVM, open model for tickets and answers)\n");
        out.append("- benchmark settings: `").append(String.join(" ", benchSettings))
                .append("` (one tenant takes all the mail)\n\n");

        out.append("## Ceilings on this machine\n\n| ceiling | per second | p50 | p95 | p99 |\n|---|---|---|---|---|\n");
        if (trivial != null) {
            row(out, "signed unknown path via gateway to ticket-service (404), 16 clients", trivial.perSecond(),
                    trivial.p50(), trivial.p95(), trivial.p99());
        }
        if (kafka != null) {
            out.append(String.format(Locale.ROOT, "| Kafka producer perf tool, 1 KB records, acks=all | %.0f | %.0f ms"
                    + " | %.0f ms | %.0f ms |%n", kafka.perSecond(), kafka.p50(), kafka.p95(), kafka.p99()));
        }
        if (mongo != null) {
            out.append(String.format(Locale.ROOT, "| Mongo single-document inserts, 8 threads | %.0f | | | |%n",
                    mongo.perSecond()));
        }

        out.append("\n## Workloads\n\n| workload | per second | p50 | p95 | p99 | errors | of gateway ceiling |"
                + " target |\n|---|---|---|---|---|---|---|---|\n");
        for (TicketPhase phase : new TicketPhase[] {latency, sustained}) {
            if (phase == null) {
                continue;
            }
            out.append(String.format(Locale.ROOT, "| signed ticket creation at %.0f/s for %d s (API) | %.1f | %d ms |"
                            + " %d ms | %d ms | %d | %s | %s |%n", phase.rate(), phase.seconds(), phase.api().perSecond(),
                    phase.api().p50(), phase.api().p95(), phase.api().p99(), phase.api().ko(),
                    ratio(phase.api().perSecond(), trivial == null ? 0 : trivial.perSecond()),
                    phase.rate() <= 200 ? verdict(phase.api().p99() <= 50, "p99 <= 50 ms at 200/s") : ""));
            var acks = phase.acks();
            out.append(String.format(Locale.ROOT, "| ... acknowledgement in SMTP, from ticket created | %.1f | %d ms |"
                            + " %d ms | %d ms | %d of %d missing | | %s |%n", acks.perSecond(), acks.percentile(50),
                    acks.percentile(95), acks.percentile(99), acks.expected() - acks.latencies().size(),
                    acks.expected(), phase.rate() >= 500 ? verdict(acks.latencies().size() == acks.expected()
                            && acks.within(5000) == acks.expected() && phase.api().perSecond() >= 0.98 * phase.rate(),
                            "500/s sustained, every ack within 5 s") : ""));
            var stages = phase.stages();
            if (stages != null && !stages.queued().latencies().isEmpty()) {
                out.append(String.format(Locale.ROOT, "| ... of which: ticket created -> mail owed in notification-service"
                                + " (topic, consumer) | | %d ms | %d ms | %d ms | | | |%n", stages.queued().percentile(50),
                        stages.queued().percentile(95), stages.queued().percentile(99)));
                out.append(String.format(Locale.ROOT, "| ... of which: mail owed -> sent (waiting for a sender, SMTP, "
                                + "outcome recorded) | | %d ms | %d ms | %d ms | | | |%n", stages.sending().percentile(50),
                        stages.sending().percentile(95), stages.sending().percentile(99)));
            }
        }
        if (reads != null) {
            row8(out, "public category + field reads, 16 clients", reads, trivial, "");
        }
        for (Upload upload : uploads) {
            var gateway = upload.heaps().get("gateway");
            var attachments = upload.heaps().get("attachment-service");
            long base = readsHeap == null ? 0 : readsHeap.get("gateway").maxAfterMb();
            long baseAttachments = readsHeap == null ? 0 : readsHeap.get("attachment-service").maxAfterMb();
            double perUploadGateway = Math.max(0, gateway.maxAfterMb() - base) / (double) upload.clients();
            double perUploadAttachments = Math.max(0, attachments.maxAfterMb() - baseAttachments)
                    / (double) upload.clients();
            row8(out, String.format(Locale.ROOT, "upload of %d MB, %d clients (%.0f MB/s)", upload.size() >> 20,
                            upload.clients(), upload.stats().perSecond() * upload.size() / (1 << 20)),
                    upload.stats(), null, upload.size() >= 10 << 20 ? verdict(perUploadGateway <= 32
                            && perUploadAttachments <= 32, String.format(Locale.ROOT, "<= 32 MB heap per upload:"
                            + " gateway %.1f MB, attachment-service %.1f MB", perUploadGateway, perUploadAttachments))
                            : String.format(Locale.ROOT, "heap per upload: gateway %.1f MB, attachment-service %.1f MB",
                            perUploadGateway, perUploadAttachments));
        }
        if (answers != null) {
            var mails = answers.mails();
            row8(out, "solve at " + answers.rate() + "/s (API)", answers.api(), trivial, "");
            out.append(String.format(Locale.ROOT, "| ... answer mail in SMTP, from answer saved | %.1f | %d ms | %d ms"
                            + " | %d ms | %d of %d missing | | %s |%n", mails.perSecond(), mails.percentile(50),
                    mails.percentile(95), mails.percentile(99), mails.expected() - mails.latencies().size(),
                    mails.expected(), answers.rate() >= 100 ? verdict(mails.percentile(99) <= 1000
                            && mails.latencies().size() == mails.expected(), "p99 <= 1 s at 100/s") : ""));
        }
        if (sustained != null && !sustained.cpuMillis().isEmpty()) {
            long tickets = sustained.api().ok();
            out.append("\n## CPU per ticket at ").append((int) sustained.rate())
                    .append("/s (API + acknowledgement, by process; the load generator apart, not in all)\n\n")
                    .append("| process | CPU ms per ticket |\n|---|---|\n");
            double total = 0;
            for (var entry : sustained.cpuMillis().entrySet()) {
                total += entry.getValue();
                out.append(String.format(Locale.ROOT, "| %s | %.2f |%n", entry.getKey(),
                        entry.getValue() / Math.max(1, tickets)));
            }
            out.append(String.format(Locale.ROOT, "| all | %.2f |%n", total / Math.max(1, tickets)));
            if (sustained.loadMillis() != null) {
                // it shares the two cores: what it uses is not there for the system
                out.append(String.format(Locale.ROOT, "| load generator (Gatling, its start-up included) | %.2f |%n",
                        sustained.loadMillis() / Math.max(1, tickets)));
            }
            if (mongo != null && kafka != null) {
                out.append(String.format(Locale.ROOT, "%nTickets/s as a share of the ceilings: %s of the gateway's,"
                                + " %s of Mongo single inserts, %s of Kafka producer records.%n",
                        ratio(sustained.api().perSecond(), trivial == null ? 0 : trivial.perSecond()),
                        ratio(sustained.api().perSecond(), mongo.perSecond()),
                        ratio(sustained.api().perSecond(), kafka.perSecond())));
            }
        }
        return out.toString();
    }

    private static void row(StringBuilder out, String name, double perSecond, long p50, long p95, long p99) {
        out.append(String.format(Locale.ROOT, "| %s | %.0f | %d ms | %d ms | %d ms |%n", name, perSecond, p50, p95,
                p99));
    }

    private static void row8(StringBuilder out, String name, GatlingRun.Stats stats, GatlingRun.Stats ceiling,
                             String target) {
        out.append(String.format(Locale.ROOT, "| %s | %.1f | %d ms | %d ms | %d ms | %d | %s | %s |%n", name,
                stats.perSecond(), stats.p50(), stats.p95(), stats.p99(), stats.ko(),
                ceiling == null ? "" : ratio(stats.perSecond(), ceiling.perSecond()), target));
    }

    private static String ratio(double value, double ceiling) {
        return ceiling <= 0 ? "" : String.format(Locale.ROOT, "%.1f%%", 100 * value / ceiling);
    }

    private static String verdict(boolean met, String target) {
        return (met ? "met: " : "**not met**: ") + target;
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(line -> line.startsWith("model name"))
                    .findFirst().map(line -> line.substring(line.indexOf(':') + 1).trim()).orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }

    private static String memory() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(line -> line.startsWith("MemTotal"))
                    .findFirst().map(line -> Long.parseLong(line.replaceAll("\\D", "")) / (1024 * 1024) + " GiB RAM")
                    .orElse("");
        } catch (IOException e) {
            return "";
        }
    }
}
