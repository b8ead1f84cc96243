package dev.switchboard.attachment.files;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Service;

import com.mongodb.MongoGridFSException;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.reactivestreams.client.gridfs.GridFSBucket;
import com.mongodb.reactivestreams.client.gridfs.GridFSBuckets;

import dev.switchboard.events.attachment.AttachmentDeleted;
import dev.switchboard.events.attachment.AttachmentUploaded;
import dev.switchboard.platform.events.EventMetadataFactory;
import dev.switchboard.platform.outbox.Outbox;
import dev.switchboard.platform.outbox.OutboxRelay;
import dev.switchboard.platform.web.NhnApiException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Stores uploads in GridFS as they stream, serves them back, deletes them, and retires, then purges, uploads
 * that no ticket referenced in time. The metadata document and its event are written in one insert after the
 * bytes are stored; a failed upload leaves no bytes behind.
 * <p>
 * Attachment-service learns of a reference only from the ticket's event, which may come late (a stopped
 * consumer, an outage, a dead-lettered event replayed later). So expiry never removes bytes at once: an expired
 * upload is retired (announced as expired, neither served nor offered, bytes kept), a reference arriving later
 * restores it, and only a file still unreferenced after the purge retention loses its bytes.
 */
@Service
class Attachments implements InitializingBean {

    private static final Logger log = LoggerFactory.getLogger(Attachments.class);
    /** The reason {@code AttachmentDeleted} gives for an upload no ticket referenced in time. */
    private static final String EXPIRED = "expired";
    private static final int DOWNLOAD_BUFFER = 64 * 1024;
    private static final int SWEEP_BATCH = 100;
    /** The GridFS bucket of the stored bytes: {@code files.files} and {@code files.chunks}. */
    private static final String BUCKET = "files";

    /** A stored file's metadata as the vendor shows it. */
    record AttachmentView(String attachmentId, String fileName, String contentType, String disposition, long size,
                          Long createdDt) {
    }

    /** What a download streams: the metadata and the bytes. */
    record Download(Attachment attachment, Flux<DataBuffer> content) {
    }

    private final ReactiveMongoTemplate mongo;
    private final AttachmentProperties properties;
    private final EventMetadataFactory metadata;
    private final Outbox outbox;
    private final OutboxRelay relay;
    private final Clock clock;
    private final Mono<GridFSBucket> bucket;

    @Autowired
    Attachments(ReactiveMongoTemplate mongo, AttachmentProperties properties, EventMetadataFactory metadata,
                Outbox outbox, OutboxRelay relay) {
        this(mongo, properties, metadata, outbox, relay, Clock.systemUTC());
    }

    Attachments(ReactiveMongoTemplate mongo, AttachmentProperties properties, EventMetadataFactory metadata,
                Outbox outbox, OutboxRelay relay, Clock clock) {
        this.mongo = mongo;
        this.properties = properties;
        this.metadata = metadata;
        this.outbox = outbox;
        this.relay = relay;
        this.clock = clock;
        this.bucket = mongo.getMongoDatabase().map(database -> GridFSBuckets.create(database, BUCKET)).cache();
    }

    /**
     * Checks the name, then streams the content into GridFS while counting and sniffing it; whatever fails,
     * the partial file is removed and the upload is refused in the vendor's shape. {@code content} is read to its
     * end and each of its buffers released exactly once, whatever the outcome.
     */
    Mono<AttachmentView> store(String serviceId, String submittedName, Flux<DataBuffer> content, String correlationId) {
        String name = FileNames.clean(submittedName).orElse(null);
        if (name == null || !FileTypes.allowedExtension(name)) {
            return drain(content, Rejection.of(Rejection.FORMAT));
        }
        if (name.length() > FileNames.MAX_LENGTH) {
            return drain(content, Rejection.of(Rejection.NAME_TOO_LONG));
        }
        var guard = new UploadGuard(properties.maxSize().toBytes(), display(properties.maxSize().toBytes()), name);
        ObjectId fileId = new ObjectId();
        Flux<ByteBuffer> bytes = guard.watch(content);
        return GridFsUpload.store(mongo, BUCKET, fileId, name, new Document("serviceId", serviceId), bytes)
                // cancelled (the client left, the request's timeout): no partial file stays behind
                .doOnCancel(() -> deleteFile(fileId).subscribe(null, error -> log.warn(
                        "Chunks of the abandoned upload {} not removed: {}", fileId, error.toString())))
                .onErrorResume(error -> deleteFile(fileId).then(Mono.error(error)))
                .then(Mono.defer(() -> {
                    var attachment = newAttachment(serviceId, name, guard, fileId, correlationId);
                    // a failed insert removes the stored file even when the request has left meanwhile
                    return relay.writeThenRelay(mongo.insert(attachment)
                                    .onErrorResume(error -> deleteFile(fileId).then(Mono.error(error))),
                            Attachment.COLLECTION, attachment.attachmentId());
                }))
                .map(Attachments::view);
    }

    Mono<AttachmentView> find(String serviceId, String attachmentId) {
        return stored(serviceId, attachmentId).map(Attachments::view);
    }

    Mono<Download> download(String serviceId, String attachmentId) {
        return stored(serviceId, attachmentId).map(attachment -> new Download(attachment,
                bucket.flatMapMany(files -> Flux.from(files.downloadToPublisher(attachment.fileId())
                                .bufferSizeBytes(DOWNLOAD_BUFFER)))
                        .map(DefaultDataBufferFactory.sharedInstance::wrap)));
    }

    /** Deletes a file of the tenant; another tenant's id is simply not found. */
    Mono<Void> delete(String serviceId, String attachmentId, String correlationId) {
        var claim = Query.query(Criteria.where("_id").is(attachmentId).and("serviceId").is(serviceId)
                .and("state").is(Attachment.STORED));
        return mongo.findAndModify(claim, claimUpdate().set("removal", Attachment.REMOVED_BY_API),
                        FindAndModifyOptions.options().returnNew(true), Attachment.class)
                .switchIfEmpty(Mono.error(() -> NhnApiException.notFound("No attachment " + attachmentId)))
                .flatMap(claimed -> remove(claimed, correlationId));
    }

    /**
     * A ticket references these files: they no longer expire, and a retired one (its reference came late) is
     * stored again with its bytes. The first ticket to reference a file keeps it; repeating it changes nothing.
     */
    Mono<Void> referenced(String serviceId, List<String> attachmentIds, String ticketId) {
        if (attachmentIds.isEmpty()) {
            return Mono.empty();
        }
        // only to say so in the log: a restore means a ticket event came later than the upload TTL
        Mono<Void> reportRestores = mongo.find(Query.query(unreferenced(serviceId, attachmentIds)
                        .and("state").is(Attachment.RETIRED)), Attachment.class)
                .doOnNext(retired -> log.warn("Attachment {} of {} restored: ticket {} referenced it {} after it was retired",
                        retired.attachmentId(), serviceId, ticketId, Duration.between(retired.retiredAt(), clock.instant())))
                .then();
        return reportRestores.then(mongo.updateMulti(Query.query(unreferenced(serviceId, attachmentIds)
                                .and("state").in(Attachment.STORED, Attachment.RETIRED)),
                        new Update().set("ticketId", ticketId).set("state", Attachment.STORED).unset("expiresAt")
                                .unset("retiredAt"),
                        Attachment.class))
                .then();
    }

    private static Criteria unreferenced(String serviceId, List<String> attachmentIds) {
        return Criteria.where("_id").in(attachmentIds).and("serviceId").is(serviceId).and("ticketId").isNull();
    }

    /**
     * One expiry sweep. Uploads past their time without a ticket are retired; retired files still without a ticket
     * after the purge retention, and removals whose instance died, are claimed and lose their bytes. Every step is
     * a conditional update, so any number of instances may sweep at once. Answers how many files changed.
     */
    Mono<Long> expire() {
        var now = clock.instant();
        return retire(now).concatWith(purge(now)).reduce(0L, Long::sum);
    }

    /** Retiring keeps the bytes, so it needs no claim: one conditional update moves the file and adds its event. */
    private Mono<Long> retire(Instant now) {
        var due = Criteria.where("state").is(Attachment.STORED).and("ticketId").isNull().and("expiresAt").lt(now);
        return mongo.find(Query.query(due).limit(SWEEP_BATCH), Attachment.class)
                .concatMap(candidate -> {
                    var event = AttachmentDeleted.newBuilder().setMetadata(metadata.create(candidate.serviceId(), null))
                            .setAttachmentId(candidate.attachmentId()).setReason(EXPIRED).build();
                    return mongo.updateFirst(Query.query(Criteria.where("_id").is(candidate.attachmentId())
                                            .and("state").is(Attachment.STORED).and("ticketId").isNull()),
                                    new Update().set("state", Attachment.RETIRED).set("retiredAt", now)
                                            .push("pendingEvents", outbox.pending(candidate.attachmentId(), event)),
                                    Attachment.class)
                            .filter(result -> result.getModifiedCount() > 0)
                            .flatMap(retired -> relay.relay(Attachment.COLLECTION, candidate.attachmentId())
                                    .doOnSuccess(done -> log.info("Attachment {} of {} retired: no ticket referenced it",
                                            candidate.attachmentId(), candidate.serviceId()))
                                    .thenReturn(1L));
                })
                .reduce(0L, Long::sum);
    }

    private Mono<Long> purge(Instant now) {
        var due = new Criteria().orOperator(
                Criteria.where("state").is(Attachment.RETIRED).and("ticketId").isNull()
                        .and("retiredAt").lt(now.minus(properties.purgeRetention())),
                Criteria.where("state").is(Attachment.EXPIRING).and("claimedAt").lt(now.minus(properties.claimTimeout())));
        return mongo.find(Query.query(due).limit(SWEEP_BATCH), Attachment.class)
                .concatMap(candidate -> {
                    var claim = Query.query(Criteria.where("_id").is(candidate.attachmentId())
                            .and("state").is(candidate.state()).and("claimedAt").is(candidate.claimedAt()));
                    var update = claimUpdate();
                    if (Attachment.RETIRED.equals(candidate.state())) {
                        // a late reference restores the file up to the moment it is claimed, not after
                        claim.addCriteria(Criteria.where("ticketId").isNull());
                        update.set("removal", Attachment.PURGED);
                    }
                    return mongo.findAndModify(claim, update, FindAndModifyOptions.options().returnNew(true),
                                    Attachment.class)
                            .flatMap(claimed -> remove(claimed, null).thenReturn(1L));
                })
                .reduce(0L, Long::sum);
    }

    @Override
    public void afterPropertiesSet() {
        var indexes = mongo.indexOps(Attachment.class);
        Mono.when(indexes.createIndex(new Index().on("state", Sort.Direction.ASC).on("expiresAt", Sort.Direction.ASC)
                                .named("state_expires")),
                        indexes.createIndex(new Index().on("state", Sort.Direction.ASC).on("retiredAt", Sort.Direction.ASC)
                                .named("state_retired")),
                        indexes.createIndex(new Index().on("serviceId", Sort.Direction.ASC).on("createdAt", Sort.Direction.DESC)
                                .named("tenant_created")),
                        // GridFS's own indexes, so the first upload does not have to check and create them
                        bucket.flatMap(files -> mongo.getCollection("files.chunks")).flatMap(chunks -> Mono.from(
                                chunks.createIndex(new Document("files_id", 1).append("n", 1),
                                        new IndexOptions().unique(true)))),
                        mongo.getCollection("files.files").flatMap(files -> Mono.from(
                                files.createIndex(new Document("filename", 1).append("uploadDate", 1)))))
                .block(Duration.ofSeconds(30));
        // load the type catalogue now rather than on the first upload's thread
        FileTypes.sniff(new byte[0], "warm-up.txt");
    }

    private Mono<Attachment> stored(String serviceId, String attachmentId) {
        return mongo.findOne(Query.query(Criteria.where("_id").is(attachmentId).and("serviceId").is(serviceId)
                        .and("state").is(Attachment.STORED)), Attachment.class)
                .switchIfEmpty(Mono.error(() -> NhnApiException.notFound("No attachment " + attachmentId)));
    }

    private Update claimUpdate() {
        return new Update().set("state", Attachment.EXPIRING).set("claimedAt", clock.instant());
    }

    /**
     * Removes the bytes of a claimed file, then turns its document into a tombstone. A deletion through the API
     * carries its event; a purge does not, its retirement was the announcement. A claim without a reason was
     * made by a sweep before retirement existed, which announced nothing yet.
     */
    private Mono<Void> remove(Attachment claimed, String correlationId) {
        String removal = claimed.removal() == null ? EXPIRED : claimed.removal();
        var tombstone = new Update().set("state", Attachment.DELETED).unset("expiresAt").unset("retiredAt")
                .unset("claimedAt");
        if (!Attachment.PURGED.equals(removal)) {
            var event = AttachmentDeleted.newBuilder().setMetadata(metadata.create(claimed.serviceId(), correlationId))
                    .setAttachmentId(claimed.attachmentId()).setReason(removal).build();
            tombstone.push("pendingEvents", outbox.pending(claimed.attachmentId(), event));
        }
        return deleteFile(claimed.fileId())
                .then(mongo.updateFirst(Query.query(Criteria.where("_id").is(claimed.attachmentId())
                        .and("state").is(Attachment.EXPIRING)), tombstone, Attachment.class))
                .then(relay.relay(Attachment.COLLECTION, claimed.attachmentId()))
                .doOnSuccess(done -> log.info("Attachment {} of {} removed: {}", claimed.attachmentId(),
                        claimed.serviceId(), removal));
    }

    private Mono<Void> deleteFile(ObjectId fileId) {
        return bucket.flatMap(files -> Mono.from(files.delete(fileId)))
                // already gone (or never completed): nothing to remove
                .onErrorResume(MongoGridFSException.class, e -> Mono.empty())
                .then();
    }

    private Attachment newAttachment(String serviceId, String name, UploadGuard guard, ObjectId fileId,
                                     String correlationId) {
        var now = clock.instant();
        var expiresAt = now.plus(properties.unreferencedTtl());
        String attachmentId = UUID.randomUUID().toString().replace("-", "");
        var event = AttachmentUploaded.newBuilder().setMetadata(metadata.create(serviceId, correlationId))
                .setAttachmentId(attachmentId).setFileName(name).setContentType(guard.contentType())
                .setSize(guard.size()).setCreatedAt(now).setExpiresAt(expiresAt).build();
        return new Attachment(attachmentId, serviceId, name, guard.contentType(), guard.size(), fileId,
                Attachment.STORED, null, now, expiresAt, null, null, null, List.of(outbox.pending(attachmentId, event)));
    }

    /** Refuses without storing, reading and releasing (once, here) what the client still sends. */
    private static <T> Mono<T> drain(Flux<DataBuffer> content, NhnApiException rejection) {
        return content.<T>handle((buffer, sink) -> DataBufferUtils.release(buffer)).then(Mono.error(rejection));
    }

    private static String display(long bytes) {
        return bytes % (1024 * 1024) == 0 ? bytes / (1024 * 1024) + "MB" : bytes + " bytes";
    }

    static AttachmentView view(Attachment attachment) {
        return new AttachmentView(attachment.attachmentId(), attachment.fileName(), attachment.contentType(),
                "attachment", attachment.size(), attachment.createdAt().toEpochMilli());
    }
}
