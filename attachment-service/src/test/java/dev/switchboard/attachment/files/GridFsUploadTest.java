package dev.switchboard.attachment.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandSucceededEvent;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.gridfs.GridFSBuckets;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** An upload written chunk by chunk over a Mongo wire server, and read back by the driver's own GridFS. */
class GridFsUploadTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int BUFFER = 8 * 1024;

    private final MongoServer server = new MongoServer(new MemoryBackend());
    private final AtomicLong chunksStored = new AtomicLong();
    private final MongoClient client = MongoClients.create(MongoClientSettings.builder()
            .applyConnectionString(new ConnectionString("mongodb://127.0.0.1:" + server.bind().getPort()))
            .addCommandListener(new CommandListener() {
                @Override
                public void commandSucceeded(CommandSucceededEvent event) {
                    if (event.getCommandName().equals("insert")) {
                        chunksStored.incrementAndGet();
                    }
                }
            })
            .build());
    private final ReactiveMongoTemplate mongo = new ReactiveMongoTemplate(client, "gridfs-test");

    @AfterEach
    void stop() {
        client.close();
        server.shutdownNow();
    }

    @Test
    void theDriversGridFsReadsBackWhatWasWrittenByteForByte() {
        byte[] content = new byte[GridFsUpload.CHUNK_SIZE * 3 + 12_345];
        new Random(7).nextBytes(content);
        ObjectId fileId = new ObjectId();

        long length = GridFsUpload.store(mongo, "files", fileId, "report.pdf", new Document("serviceId", "t1"),
                buffers(content)).block(WAIT);

        assertThat(length).isEqualTo(content.length);
        var bucket = GridFSBuckets.create(mongo.getMongoDatabase().block(WAIT), "files");
        var file = Mono.from(bucket.find(new Document("_id", fileId)).first()).block(WAIT);
        assertThat(file.getFilename()).isEqualTo("report.pdf");
        assertThat(file.getLength()).isEqualTo(content.length);
        assertThat(file.getChunkSize()).isEqualTo(GridFsUpload.CHUNK_SIZE);
        assertThat(file.getMetadata()).containsEntry("serviceId", "t1");
        var read = DataBufferUtils.join(Flux.from(bucket.downloadToPublisher(fileId))
                .map(DefaultDataBufferFactory.sharedInstance::wrap)).block(WAIT);
        byte[] back = new byte[read.readableByteCount()];
        read.read(back);
        assertThat(back).isEqualTo(content);

        // the driver's delete finds the chunks by the file's id
        Mono.from(bucket.delete(fileId)).block(WAIT);
        assertThat(Mono.from(client.getDatabase("gridfs-test").getCollection("files.chunks").countDocuments())
                .block(WAIT)).isZero();
    }

    @Test
    void theClientsBytesAreReadNoFurtherAheadThanTheChunkBeingFilled() {
        // a dozen chunks' worth offered as fast as they are asked for: a 3 MB upload from a fast client
        byte[] content = new byte[GridFsUpload.CHUNK_SIZE * 12];
        AtomicLong offered = new AtomicLong();
        AtomicLong furthestAhead = new AtomicLong();
        Flux<ByteBuffer> watched = buffers(content).doOnNext(buffer -> {
            long ahead = offered.addAndGet(buffer.remaining()) - chunksStored.get() * GridFsUpload.CHUNK_SIZE;
            furthestAhead.accumulateAndGet(ahead, Math::max);
        });

        GridFsUpload.store(mongo, "files", new ObjectId(), "big.bin", new Document(), watched).block(WAIT);

        // the driver's upload asked for the whole file at once; this one holds the chunk being stored, the one
        // being filled and the buffer in hand
        assertThat(furthestAhead.get()).isLessThanOrEqualTo(2L * GridFsUpload.CHUNK_SIZE + BUFFER);
    }

    private static Flux<ByteBuffer> buffers(byte[] content) {
        return Flux.range(0, (content.length + BUFFER - 1) / BUFFER).map(i -> {
            int from = i * BUFFER;
            return ByteBuffer.wrap(content, from, Math.min(BUFFER, content.length - from)).slice();
        });
    }
}
