package dev.switchboard.attachment.files;

import java.nio.ByteBuffer;
import java.util.Arrays;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;

import reactor.core.publisher.Mono;

/**
 * Watches one upload as it streams: counts bytes and stops at the limit, keeps the first bytes and sniffs
 * them once enough have arrived, hands each chunk on as a copy and releases the network buffer. At most one
 * chunk and {@link FileTypes#SNIFF_BYTES} are held at any time, whatever the file's size.
 */
final class UploadGuard {

    private final long limit;
    private final String displayLimit;
    private final String name;
    private final byte[] prefix = new byte[FileTypes.SNIFF_BYTES];
    private int prefixLength;
    private long size;
    private String contentType;

    UploadGuard(long limit, String displayLimit, String name) {
        this.limit = limit;
        this.displayLimit = displayLimit;
        this.name = name;
    }

    ByteBuffer accept(DataBuffer buffer) {
        try {
            int length = buffer.readableByteCount();
            size += length;
            if (size > limit) {
                throw Rejection.of(Rejection.TOO_LARGE.formatted(displayLimit));
            }
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
            return ByteBuffer.wrap(bytes);
        } finally {
            DataBufferUtils.release(buffer);
        }
    }

    /** Completes the checks once the last byte arrived: a short file is sniffed here. */
    <T> Mono<T> finish() {
        return Mono.fromRunnable(() -> {
            if (size == 0) {
                throw Rejection.of("The file is empty.");
            }
            if (contentType == null) {
                sniff();
            }
        });
    }

    private void sniff() {
        contentType = FileTypes.sniff(Arrays.copyOf(prefix, prefixLength), name)
                .orElseThrow(() -> Rejection.of(Rejection.FORMAT));
    }

    long size() {
        return size;
    }

    String contentType() {
        return contentType;
    }
}
