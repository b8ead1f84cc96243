package dev.switchboard.notification.delivery;

import static org.mockito.Mockito.mock;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;
import org.springframework.util.unit.DataSize;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import com.mongodb.reactivestreams.client.MongoClients;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.switchboard.events.EventMetadata;
import dev.switchboard.events.ticket.EndUser;
import dev.switchboard.events.ticket.TicketCreated;
import dev.switchboard.notification.config.NotificationProperties;
import dev.switchboard.notification.preferences.MailPreferencesService;
import dev.switchboard.notification.settings.SenderSettingsService;
import dev.switchboard.notification.transport.TenantSmtpSettings;
import dev.switchboard.platform.crypto.ContactSeal;
import dev.switchboard.platform.crypto.Keysets;
import dev.switchboard.platform.crypto.SealedContact;
import dev.switchboard.platform.crypto.SecretBox;
import dev.switchboard.platform.events.EventHeaders;
import dev.switchboard.platform.events.EventMetadataFactory;
import dev.switchboard.platform.events.EventPublisher;
import dev.switchboard.platform.events.EventSerde;
import dev.switchboard.platform.events.PlatformKafkaProperties;
import dev.switchboard.platform.outbox.Outbox;
import dev.switchboard.platform.outbox.OutboxProperties;
import dev.switchboard.platform.outbox.OutboxRelay;
import dev.switchboard.platform.outbox.PeriodicTask;
import dev.switchboard.schemas.Topic;
import reactor.core.scheduler.Schedulers;

/**
 * How many acknowledgement mails per second the mail queue sends, and what each costs: a benchmark with a
 * {@code main}, not a test (the suite runs {@code *Test} only, and nothing here asserts a time).
 *
 * <p>Everything runs in this one JVM, as on the product benchmark's shared cores: the Mongo wire server the local
 * stack runs (in-memory backend), GreenMail's SMTP server on 127.0.0.1, and the real listener, delivery service,
 * dispatcher, renderer (Avro decode, contact sealed with the shared key, the tenant's settings from Mongo), transports with the
 * relay's SMTP pool, and the outbox relay with its sweep. Only Kafka is left out: events go to a template that
 * discards them. Mocks stand only for what acknowledgements never call (answer files, administrators' notices).
 * Tickets enter through {@link TicketEventsListener#onRecord} from six threads (the topic's partitions; each with
 * up to a poll's records under way, as in the container), paced at
 * {@code rate} tickets per second.
 *
 * <p>One tenant sends everything, so its {@code sending.rate} is raised from the default 100/s (burst 200) to
 * {@code sendingRate} (default 10000/s): with the default this measures only the limiter. Concurrency stays at the
 * defaults (16 senders, 4 per tenant).
 *
 * <p>Run (JDK 25, a production-like JVM):
 * <pre>
 * ./mvnw -q -o -pl notification-service -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=/tmp/ncp.txt -Dmdep.includeScope=test
 * java -XX:+UseParallelGC -Xmx1g -Dmails=20000 -Drate=500 \
 *     -cp notification-service/target/test-classes:notification-service/target/classes:$(cat /tmp/ncp.txt) \
 *     dev.switchboard.notification.delivery.MailQueueBenchmark
 * </pre>
 * System properties: {@code mails} measured (20000), {@code rate} tickets per second (500; 0 enqueues all at once,
 * for the most the queue can send), {@code warmup} mails sent first and not measured (3000), {@code sendingRate}.
 */
final class MailQueueBenchmark {

    private static final String TENANT = "bench";
    private static final String CUSTOMER = "kim.lee@customer.example";
    private static final int PARTITIONS = Topic.TICKET_EVENTS.partitions();
    private static final String CONTENT = ("The printer on the third floor jams on every second page and shows error "
            + "E-204. We restarted it twice and replaced the paper tray; it still happens. ").repeat(3);

    public static void main(String[] args) throws Exception {
        int mails = Integer.getInteger("mails", 20_000);
        int rate = Integer.getInteger("rate", 500);
        int warmup = Integer.getInteger("warmup", 3_000);
        int sendingRate = Integer.getInteger("sendingRate", 10_000);

        var mongoServer = new MongoServer(new MemoryBackend());
        var mongoAddress = mongoServer.bind();
        Map<String, LongAdder> commands = new ConcurrentHashMap<>();
        var client = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString("mongodb://127.0.0.1:" + mongoAddress.getPort()))
                .addCommandListener(new CommandListener() {
                    @Override
                    public void commandStarted(CommandStartedEvent event) {
                        commands.computeIfAbsent(event.getCommandName(), name -> new LongAdder()).increment();
                    }
                })
                .build());
        var mongo = new ReactiveMongoTemplate(client, "notification");

        var arrivals = new Arrivals();
        var greenMail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        var users = greenMail.getUserManager();
        var store = users.getMessageDeliveryHandler();
        users.setMessageDeliveryHandler((message, to) -> {
            arrivals.arrived(message.getMessage().getHeader("X-Switchboard-Ticket", null));
            return store.handle(message, to);
        });
        greenMail.start();

        var contactKey = Keysets.newAeadKeyset();
        var properties = properties(greenMail.getSmtp().getPort(), contactKey, sendingRate);
        var serde = new EventSerde();
        var kafka = new DiscardingKafka();
        var outboxProperties = new OutboxProperties(List.of(Delivery.COLLECTION), Duration.ofSeconds(2),
                Duration.ofSeconds(5), 500, Duration.ofSeconds(3), Duration.ofSeconds(60), Duration.ofMinutes(2), 256);
        var kafkaSending = Schedulers.newBoundedElastic(4, 100_000, "kafka-send", 60, true);
        var publisher = new EventPublisher(kafka, serde, kafkaSending);
        var outboxRelay = new OutboxRelay(mongo, publisher, outboxProperties, Clock.systemUTC());
        var outboxSweep = new PeriodicTask("outbox-sweep", outboxProperties.sweepInterval(),
                outboxProperties.sweepTimeout(), outboxRelay.declareIndexes(), outboxRelay::sweep);

        var preferences = construct(MailPreferencesService.class, mongo);
        var senderSettings = construct(SenderSettingsService.class, mongo);
        // the tenant has no SMTP settings of its own: its mail leaves through the relay
        var tenantSmtp = construct(TenantSmtpSettings.class,
                new Class<?>[] {Class.forName("dev.switchboard.notification.transport.SmtpSettingsStore"), SecretBox.class},
                construct(Class.forName("dev.switchboard.notification.transport.SmtpSettingsStore"),
                        new Class<?>[] {ReactiveMongoTemplate.class, Duration.class}, mongo, Duration.ofSeconds(10)),
                new SecretBox(Keysets.newAeadKeyset()));
        var transports = new MailTransports(tenantSmtp, new dev.switchboard.platform.net.MailHostGuard(List.of()),
                properties);
        var tickets = new TicketMail(senderSettings, new MailRenderer(), properties,
                new ContactSeal(contactKey), mock(ReplyFiles.class), serde, preferences,
                new TicketMailboxes(mongo));
        var sendPool = new MailSendPool(properties);
        var deliveries = new DeliveryService(mongo, transports, tickets, mock(AdministratorNotices.class),
                new EventMetadataFactory("notification-service", Clock.systemUTC()), new Outbox(serde), outboxRelay,
                publisher, sendPool, properties);
        var dispatcher = new MailDispatcher(deliveries, mongo, properties);
        var listener = new TicketEventsListener(serde, tickets, deliveries, dispatcher, kafka,
                new PlatformKafkaProperties((short) 1, 40, Duration.ofSeconds(15), 0, 16), "notification-service");

        var sealer = new ContactSeal(contactKey);
        System.out.printf("Building %d ticket events...%n", warmup + mails);
        var warmupRecords = records("W", warmup, sealer, serde);
        var measuredRecords = records("M", mails, sealer, serde);

        outboxSweep.start();
        dispatcher.start();

        System.out.printf("Warm-up: %d mails, all at once%n", warmup);
        var warm = run(listener, warmupRecords, 0, arrivals, Duration.ofMinutes(5), new LongAdder());
        System.out.printf("  %d sent in %.1f s%n", warm.arrived(), warm.seconds());

        commands.clear();
        var cpu = new CpuMeter();
        var feederCpu = new LongAdder();
        System.out.printf("Measured: %d mails, %s%n", mails, rate == 0 ? "all at once" : rate + " tickets/s");
        var measured = run(listener, measuredRecords, rate, arrivals,
                Duration.ofSeconds(rate == 0 ? 600 : mails / rate + 300), feederCpu);
        var spent = cpu.stop(feederCpu.sum());

        dispatcher.stop();
        outboxSweep.stop();
        long sentInLog = mongo.count(Query.query(Criteria.where("status").is(Delivery.Status.SENT)), Delivery.class)
                .block(Duration.ofMinutes(1));

        System.out.println();
        System.out.printf("JVM %s %s; %d processors; sending.rate raised to %d/s (burst %d) for the one tenant%n",
                Runtime.version(), ManagementFactory.getRuntimeMXBean().getInputArguments(),
                Runtime.getRuntime().availableProcessors(), sendingRate, sendingRate);
        System.out.printf("mails: %d of %d accepted by SMTP in %.2f s = %.0f mails/s (first enqueue to last accepted)%n",
                measured.arrived(), mails, measured.seconds(), measured.arrived() / measured.seconds());
        System.out.printf("enqueue->accepted: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", measured.percentile(50),
                measured.percentile(99), measured.percentile(100));
        System.out.printf("duplicates at the SMTP server: %d; SENT in the delivery log: %d of %d; events published: %d%n",
                arrivals.duplicates.sum(), sentInLog, warmup + mails, kafka.published.sum());
        System.out.printf("process CPU: %.2f s = %.3f ms/mail (%.0f%% of one core)%n", spent.processSeconds(),
                spent.processSeconds() * 1000 / mails, 100 * spent.processSeconds() / measured.seconds());
        System.out.println("  by thread (live at the end; GC and JIT threads are in the rest):");
        spent.byGroup().entrySet().stream().sorted(Map.Entry.comparingByValue((a, b) -> Double.compare(b, a)))
                .limit(12)
                .forEach(group -> System.out.printf("    %-40s %.3f ms/mail%n", group.getKey(), group.getValue() * 1000 / mails));
        double total = commands.values().stream().mapToLong(LongAdder::sum).sum();
        System.out.printf("Mongo commands: %.2f per mail%n", total / mails);
        new TreeMap<>(commands).forEach((name, count) -> System.out.printf("    %-16s %.2f per mail%n", name,
                (double) count.sum() / mails));

        sendPool.destroy();
        transports.destroy();
        kafkaSending.dispose();
        greenMail.stop();
        client.close();
        mongoServer.shutdownNow();
        System.exit(0);
    }

    /**
     * Feeds the records to the listener on one thread per partition, the n-th at start + n/rate, and waits until
     * every mail reached the SMTP server.
     */
    private static Outcome run(TicketEventsListener listener, List<Ticket> tickets, int rate, Arrivals arrivals,
                               Duration timeout, LongAdder feederCpu) throws InterruptedException {
        int before = arrivals.count.get();
        var next = new AtomicInteger();
        long start = System.nanoTime();
        long[] due = new long[tickets.size()];
        List<Thread> feeders = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            feeders.add(Thread.ofPlatform().name("feeder-" + p).start(() -> {
                // as the container does: a partition's records are enqueued side by side, up to a poll's worth
                var inFlight = new java.util.concurrent.Semaphore(TicketEventsListener.IN_FLIGHT);
                for (int n = next.getAndIncrement(); n < tickets.size(); n = next.getAndIncrement()) {
                    long at = rate == 0 ? start : start + n * 1_000_000_000L / rate;
                    long wait = at - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    due[n] = at;
                    inFlight.acquireUninterruptibly();
                    listener.onRecord(tickets.get(n).record()).doFinally(signal -> inFlight.release()).subscribe();
                }
                // the feeders end before the CPU meter reads the live threads
                feederCpu.add(ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime());
            }));
        }
        long deadline = start + timeout.toNanos();
        while (arrivals.count.get() - before < tickets.size() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        for (var feeder : feeders) {
            feeder.join();
        }
        long last = 0;
        double[] latencies = new double[tickets.size()];
        int arrived = 0;
        for (int n = 0; n < tickets.size(); n++) {
            Long at = arrivals.at.get(tickets.get(n).ticketId());
            if (at != null) {
                latencies[arrived++] = (at - due[n]) / 1e6;
                last = Math.max(last, at);
            }
        }
        return new Outcome(arrived, (last - start) / 1e9, Arrays.copyOf(latencies, arrived));
    }

    private record Outcome(int arrived, double seconds, double[] latencies) {

        double percentile(int p) {
            if (latencies.length == 0) {
                return Double.NaN;
            }
            double[] sorted = latencies.clone();
            Arrays.sort(sorted);
            int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
            return sorted[Math.clamp(index, 0, sorted.length - 1)];
        }
    }

    private record Ticket(String ticketId, ConsumerRecord<String, byte[]> record) {
    }

    /** Ticket events as ticket-service publishes them: the customer's contact sealed for this service. */
    private static List<Ticket> records(String prefix, int count, ContactSeal sealer, EventSerde serde) {
        List<Ticket> tickets = new ArrayList<>(count);
        byte[] type = TicketCreated.getClassSchema().getFullName().getBytes(StandardCharsets.UTF_8);
        for (int n = 0; n < count; n++) {
            String ticketId = prefix + n;
            var now = Instant.now();
            var event = TicketCreated.newBuilder()
                    .setMetadata(EventMetadata.newBuilder().setEventId(UUID.randomUUID().toString()).setOccurredAt(now)
                            .setServiceId(TENANT).setProducer("ticket-service").setCorrelationId("c-" + ticketId).build())
                    .setTicketId(ticketId).setSubject("Printer jams on floor 3").setContent(CONTENT).setStatus("new")
                    .setEndUser(EndUser.newBuilder().setUsercode("member-" + n).build())
                    .setSealedContact(sealer.seal(new SealedContact(CUSTOMER, "Kim Lee"), TENANT, ticketId))
                    .setLanguage("en").setSource("api").setCreatedAt(now)
                    .build();
            var record = new ConsumerRecord<>(Topic.TICKET_EVENTS.topicName(), n % PARTITIONS, n, ticketId,
                    serde.encode(event));
            record.headers().add(EventHeaders.TYPE, type);
            tickets.add(new Ticket(ticketId, record));
        }
        return tickets;
    }

    private static NotificationProperties properties(int smtpPort, String contactKey, int sendingRate) {
        var defaults = new NotificationProperties.Sending(16, 4, Duration.ofSeconds(120), Duration.ofSeconds(1),
                Duration.ofSeconds(30), 100, new NotificationProperties.Retry(Duration.ofSeconds(30), 2.0,
                Duration.ofMinutes(30), Duration.ofHours(8)), new NotificationProperties.Rate(sendingRate, sendingRate), 16);
        return new NotificationProperties(
                new NotificationProperties.Relay("127.0.0.1", smtpPort, null, null, false, Duration.ofSeconds(5),
                        Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(60)),
                "Switchboard", "no-reply@switchboard.local", "switchboard.local", contactKey, null,
                new NotificationProperties.Attachments("http://127.0.0.1:8083", DataSize.ofMegabytes(10),
                        Duration.ofSeconds(10), Duration.ofSeconds(30)),
                defaults);
    }

    /** The services of other packages keep their constructors to Spring; the benchmark builds them the same way. */
    private static <T> T construct(Class<T> type, ReactiveMongoTemplate mongo) throws ReflectiveOperationException {
        return construct(type, new Class<?>[] {ReactiveMongoTemplate.class}, mongo);
    }

    private static <T> T construct(Class<T> type, Class<?>[] parameters, Object... arguments)
            throws ReflectiveOperationException {
        var constructor = type.getDeclaredConstructor(parameters);
        constructor.setAccessible(true);
        return constructor.newInstance(arguments);
    }

    /** When each ticket's mail reached the SMTP server, and how many came twice. */
    private static final class Arrivals {
        final Map<String, Long> at = new ConcurrentHashMap<>();
        final AtomicInteger count = new AtomicInteger();
        final LongAdder duplicates = new LongAdder();

        void arrived(String ticketId) {
            long now = System.nanoTime();
            if (ticketId == null || at.putIfAbsent(ticketId, now) != null) {
                duplicates.increment();
                return;
            }
            count.incrementAndGet();
        }
    }

    /** The process's CPU time, and each live thread's, from construction to {@link #stop}. */
    private static final class CpuMeter {
        private final com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        private final long processStart = os.getProcessCpuTime();
        private final Map<Long, Long> threadStart = threadTimes();
        private final long gcStart = ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(java.lang.management.GarbageCollectorMXBean::getCollectionTime).sum();

        record Spent(double processSeconds, Map<String, Double> byGroup) {
        }

        Spent stop(long feederNanos) {
            double process = (os.getProcessCpuTime() - processStart) / 1e9;
            Map<String, Double> groups = new HashMap<>();
            double threadsTotal = feederNanos / 1e9;
            groups.put("feeder-# (the Kafka listener's work)", threadsTotal);
            for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
                if (info == null) {
                    continue;
                }
                long now = threads.getThreadCpuTime(info.getThreadId());
                if (now < 0) {
                    continue;
                }
                double seconds = (now - threadStart.getOrDefault(info.getThreadId(), 0L)) / 1e9;
                threadsTotal += seconds;
                groups.merge(info.getThreadName().replaceAll("\\d+", "#"), seconds, Double::sum);
            }
            long gcMillis = ManagementFactory.getGarbageCollectorMXBeans().stream()
                    .mapToLong(java.lang.management.GarbageCollectorMXBean::getCollectionTime).sum() - gcStart;
            groups.put("(GC, JIT, ended SMTP connections)", process - threadsTotal);
            groups.put("  of which GC pauses (wall time)", gcMillis / 1e3);
            return new Spent(process, groups);
        }

        private Map<Long, Long> threadTimes() {
            Map<Long, Long> times = new HashMap<>();
            for (long id : threads.getAllThreadIds()) {
                times.put(id, threads.getThreadCpuTime(id));
            }
            return times;
        }
    }

    /** Kafka left out: the broker acknowledges at once, and the events are counted. */
    private static final class DiscardingKafka extends KafkaTemplate<String, byte[]> {
        final LongAdder published = new LongAdder();

        DiscardingKafka() {
            super(() -> {
                throw new UnsupportedOperationException("no broker in the benchmark");
            });
        }

        @Override
        public CompletableFuture<SendResult<String, byte[]>> send(ProducerRecord<String, byte[]> record) {
            published.increment();
            return CompletableFuture.completedFuture(new SendResult<>(record, null));
        }
    }
}
