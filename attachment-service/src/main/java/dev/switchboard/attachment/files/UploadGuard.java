package dev.switchboard.attachment.files;

import java.nio.ByteBuffer;
import java.util.Arrays;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;

import dev.switchboard.platform.web.NhnApiException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Watches one upload as it streams: counts bytes, keeps the first bytes and sniffs them once enough have
 * arrived, hands each chunk on as a copy and releases the network buffer. At most one chunk and
 * {@link FileTypes#SNIFF_BYTES} are held at any time, whatever the file's size.
 * <p>
 * A refusal (too large, wrong type) does not stop reading: the rest of the part is read and released, and the
 * refusal ends the stream only once the part is over. Failing mid-part would cancel the multipart parser from
 * inside its own emission, and the parser then releases the buffer it is handing out a second time.
 */
final class UploadGuard {

    private final long limit;
    private final String displayLimit;
    private final String name;
    private final byte[] prefix = new byte[FileTypes.SNIFF_BYTES];
    private int prefixLength;
    private long size;
    private String contentType;
    private NhnApiException refusal;

    UploadGuard(long limit, String displayLimit, String name) {
        this.limit = limit;
        this.displayLimit = displayLimit;
        this.name = name;
    }

    /** The accepted bytes of {@code content}; every buffer is released here, and a refusal ends the stream last. */
    Flux<ByteBuffer> watch(Flux<DataBuffer> content) {
        return content.<ByteBuffer>handle((buffer, sink) -> {
            ByteBuffer accepted = accept(buffer);
            if (accepted != null) {
                sink.next(accepted);
            }
        }).concatWith(finish());
    }

    /** A copy of the chunk while the upload is acceptable, null once it is refused; releases the chunk either way. */
    ByteBuffer accept(DataBuffer buffer) {
        try {
            if (refusal != null) {
                return null;
            }
            int length = buffer.readableByteCount();
            if (size + length > limit) {
                refusal = Rejection.of(Rejection.TOO_LARGE.formatted(displayLimit));
                return null;
            }
            size += length;
            byte[] bytes = new byte[length];
            buffer.read(bytes);
            if (prefixLength < prefix.length) {
                int copied = Math.min(length, prefix.length - prefixLength);
                System.arraycopy(bytes, 0, prefix, prefixLength, copied);
                prefixLength += copied;
                if (prefixLength == prefix.length) {
                    sniff();
                }
            }
            return refusal == null ? ByteBuffer.wrap(bytes) : null;
        } finally {
            DataBufferUtils.release(buffer);
        }
    }

    /** Completes the checks once the last byte arrived: a short file is sniffed here, a refusal is raised here. */
    <T> Mono<T> finish() {
        return Mono.fromRunnable(() -> {
            if (refusal == null && size == 0) {
                refusal = Rejection.of("The file is empty.");
            }
            if (refusal == null && contentType == null) {
                sniff();
            }
            if (refusal != null) {
                throw refusal;
            }
        });
    }

    private void sniff() {
        FileTypes.sniff(Arrays.copyOf(prefix, prefixLength), name).ifPresentOrElse(type -> contentType = type,
                () -> refusal = Rejection.of(Rejection.FORMAT));
    }

    /** The bytes accepted so far; counting stops at a refusal. */
    long size() {
        return size;
    }

    String contentType() {
        return contentType;
    }
}
