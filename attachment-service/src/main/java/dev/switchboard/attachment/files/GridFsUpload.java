package dev.switchboard.attachment.files;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;

import org.bson.Document;
import org.bson.types.Binary;
import org.bson.types.ObjectId;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Writes one upload into a GridFS bucket as it streams in, one chunk at a time: the client's next bytes are asked
 * for only once the chunk before is stored. The driver's own upload inserts every chunk it can assemble at once (a
 * {@code flatMap} of up to 256), so a fast client had its whole file in the heap, several times over while the
 * chunks were encoded. Here one chunk is being filled and one written, whatever the file's size.
 *
 * <p>The layout is GridFS's ({@code <bucket>.chunks} of {@code files_id}, {@code n}, {@code data};
 * {@code <bucket>.files} written last, so a file is listed only once it is whole), so the driver reads, serves and
 * deletes these files as its own.
 */
final class GridFsUpload {

    /** GridFS's usual chunk size: small enough to stream, large enough that a 10 MB file is 41 inserts. */
    static final int CHUNK_SIZE = 255 * 1024;

    private GridFsUpload() {
    }

    /**
     * Stores {@code bytes} as the file {@code fileId} of {@code bucket}; completes with its length once its file
     * document is written. A failure or a cancellation leaves the chunks written so far for the caller to delete
     * (by the file's id, as the driver's delete does).
     */
    static Mono<Long> store(ReactiveMongoTemplate mongo, String bucket, ObjectId fileId, String fileName,
                            Document metadata, Flux<ByteBuffer> bytes) {
        var chunker = new Chunker(fileId);
        Flux<Document> chunks = bytes.concatMapIterable(chunker::add, 1)
                .concatWith(Mono.fromSupplier(chunker::last));
        return mongo.getCollection(bucket + ".chunks")
                // one insert at a time, and no chunk asked for before the one before is stored
                .flatMap(collection -> chunks.concatMap(chunk -> Mono.from(collection.insertOne(chunk)), 0).then())
                .then(Mono.defer(() -> mongo.getCollection(bucket + ".files").flatMap(files -> Mono.from(
                        files.insertOne(new Document("_id", fileId).append("length", chunker.length)
                                .append("chunkSize", CHUNK_SIZE).append("uploadDate", new Date())
                                .append("filename", fileName).append("metadata", metadata))))))
                .then(Mono.fromSupplier(() -> chunker.length));
    }

    /** Cuts the stream into chunk documents; called by one subscriber at a time, in order. */
    private static final class Chunker {

        private final ObjectId fileId;
        private byte[] current = new byte[CHUNK_SIZE];
        private int filled;
        private int next;
        private long length;

        Chunker(ObjectId fileId) {
            this.fileId = fileId;
        }

        /** The chunks {@code buffer} completes (usually none, at most a few). */
        List<Document> add(ByteBuffer buffer) {
            List<Document> full = new ArrayList<>(1);
            length += buffer.remaining();
            while (buffer.hasRemaining()) {
                int take = Math.min(buffer.remaining(), CHUNK_SIZE - filled);
                buffer.get(current, filled, take);
                filled += take;
                if (filled == CHUNK_SIZE) {
                    full.add(chunk(current));
                    current = new byte[CHUNK_SIZE];
                    filled = 0;
                }
            }
            return full;
        }

        /** The last, shorter chunk; null when the stream ended on a chunk's boundary. */
        Document last() {
            return filled == 0 ? null : chunk(Arrays.copyOf(current, filled));
        }

        private Document chunk(byte[] data) {
            return new Document("files_id", fileId).append("n", next++).append("data", new Binary(data));
        }
    }
}
