package dev.switchboard.attachment.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.ResolvableType;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import org.springframework.http.MediaType;
import org.springframework.http.codec.multipart.PartEvent;
import org.springframework.http.codec.multipart.PartEventHttpMessageReader;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.util.unit.DataSize;

import dev.switchboard.platform.web.NhnApiException;
import dev.switchboard.platform.web.NhnResponse;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.SynchronousSink;

/**
 * Every network buffer of an upload is released exactly once, whether the file is stored or refused. The body
 * arrives the way Reactor Netty hands it over: each buffer retained for the reader, the connection's own
 * reference dropped as soon as the reader's onNext returns (an over-release there throws, as in the server's
 * log), and what was never read dropped on cancel. The test keeps one more reference to every buffer, so a
 * release too many made later still shows as a count of 0 instead of 1.
 */
class UploadReleaseTest {

    private static final int CHUNK = 16 * 1024;

    private final List<Throwable> dropped = new CopyOnWriteArrayList<>();
    private final RuntimeException abort = new IllegalStateException("connection reset by peer");
    private final List<Throwable> overReleased = new CopyOnWriteArrayList<>();
    private final List<ByteBuf> sent = new ArrayList<>();
    private final NettyDataBufferFactory factory = new NettyDataBufferFactory(UnpooledByteBufAllocator.DEFAULT);
    private Storage storage;

    @BeforeEach
    void start() {
        Hooks.onErrorDropped(dropped::add);
        Hooks.onNextDropped(next -> dropped.add(new IllegalStateException("onNext dropped: " + next)));
        storage = new Storage(DataSize.ofKilobytes(100), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        Hooks.resetOnErrorDropped();
        Hooks.resetOnNextDropped();
        storage.close();
        sent.stream().filter(buffer -> buffer.refCnt() > 0).forEach(buffer -> buffer.release(buffer.refCnt()));
    }

    @Test
    void anAcceptedUploadReleasesEachBufferOnce() {
        var response = upload(body(file("file", "image.png", png(50_000))));
        assertThat(((NhnResponse.Content) response.result()).content()).isInstanceOf(Attachments.AttachmentView.class);
        assertEachBufferReleasedOnce();
        assertThat(storage.files()).isEqualTo(1);
    }

    @Test
    void aTooLargeUploadReleasesEachBufferOnceAndKeepsNoBytes() {
        assertRefused(body(file("file", "image.png", png(300_000))), "You can only attach files up to 102400 bytes.");
        assertThat(storage.chunks()).isZero();
    }

    @Test
    void aRenamedExecutableReleasesEachBufferOnce() {
        byte[] exe = new byte[300_000];
        System.arraycopy(FileChecksTest.EXE, 0, exe, 0, FileChecksTest.EXE.length);
        assertRefused(body(file("file", "cat.png", exe)), Rejection.FORMAT);
    }

    @Test
    void aRefusedNameReleasesEachBufferOnce() {
        assertRefused(body(file("file", "setup.exe", png(300_000))), Rejection.FORMAT);
        assertRefused(body(file("file", "n".repeat(101) + ".png", png(40_000))), Rejection.NAME_TOO_LONG);
    }

    @Test
    void anEmptyFileReleasesEachBufferOnce() {
        assertRefused(body(file("file", "empty.txt", new byte[0])), "The file is empty.");
    }

    @Test
    void partsBesideTheFileAreReadAndReleased() {
        var response = upload(body(field("note", "x".repeat(20_000)), file("other", "a.png", png(40_000)),
                file("file", "image.png", png(40_000)), file("file", "second.png", png(40_000))));
        assertThat(((Attachments.AttachmentView) ((NhnResponse.Content) response.result()).content()).fileName())
                .isEqualTo("image.png");
        assertEachBufferReleasedOnce();
        assertThat(storage.files()).isEqualTo(1);
    }

    @Test
    void aClientThatAbortsMidFileLeavesNoBytesAndNoBuffer() {
        byte[] body = body(file("file", "image.png", png(90_000)));
        assertThatThrownBy(() -> upload(body, 3)).hasMessageContaining("connection reset");
        assertEachBufferReleasedOnce();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(storage.chunks()).isZero());
        assertThat(storage.files()).isZero();
    }

    private void assertRefused(byte[] body, String message) {
        assertThatThrownBy(() -> upload(body)).isInstanceOf(NhnApiException.class).hasMessage(message);
        assertEachBufferReleasedOnce();
        assertThat(storage.files()).isZero();
    }

    /**
     * Only the test's own reference is left: nothing leaked, nothing released twice. An abort reaches Spring's
     * part reader twice (through the part and through the stream), which drops the second: that one is expected.
     */
    private void assertEachBufferReleasedOnce() {
        assertThat(overReleased).isEmpty();
        assertThat(dropped).allMatch(error -> error == abort);
        assertThat(sent).extracting(ByteBuf::refCnt).containsOnly(1);
    }

    private NhnResponse upload(byte[] body) {
        return upload(body, -1);
    }

    /** Uploads {@code body} in 16 KB buffers; with {@code abortAfter} >= 0 the connection fails after that many. */
    private NhnResponse upload(byte[] body, int abortAfter) {
        List<ByteBuf> buffers = new ArrayList<>();
        for (int at = 0; at < body.length; at += CHUNK) {
            ByteBuf buffer = UnpooledByteBufAllocator.DEFAULT.heapBuffer(CHUNK);
            buffer.writeBytes(body, at, Math.min(CHUNK, body.length - at));
            buffers.add(buffer);
        }
        sent.addAll(buffers);
        buffers.forEach(ByteBuf::retain); // the test's own reference
        Flux<DataBuffer> network = Flux.generate(() -> 0, (Integer next, SynchronousSink<DataBuffer> sink) -> {
            if (next == abortAfter) {
                sink.error(abort);
                return next;
            }
            if (next == buffers.size()) {
                sink.complete();
                return next;
            }
            ByteBuf buffer = buffers.get(next);
            sink.next(factory.wrap(buffer.retain()));
            try {
                buffer.release();
            } catch (RuntimeException e) {
                overReleased.add(e);
            }
            return next + 1;
        }, next -> buffers.subList(next, buffers.size()).forEach(ByteBuf::release));
        var request = MockServerHttpRequest.post("/svc/openapi/v1/ticket/attachments/upload.json")
                .contentType(MediaType.parseMediaType("multipart/form-data;boundary=" + BOUNDARY)).body(network);
        Flux<PartEvent> parts = new PartEventHttpMessageReader().read(ResolvableType.forClass(PartEvent.class), request,
                Map.of());
        return storage.controller.upload("svc", parts, null).block(Duration.ofSeconds(10));
    }

    private static final String BOUNDARY = "upload-boundary";

    private static byte[] png(int size) {
        byte[] bytes = new byte[size];
        System.arraycopy(FileChecksTest.PNG, 0, bytes, 0, Math.min(size, FileChecksTest.PNG.length));
        return bytes;
    }

    private static byte[] file(String name, String fileName, byte[] content) {
        return part("form-data; name=\"" + name + "\"; filename=\"" + fileName + "\"\r\nContent-Type: image/png", content);
    }

    private static byte[] field(String name, String value) {
        return part("form-data; name=\"" + name + "\"", value.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] part(String disposition, byte[] content) {
        return FileChecksTest.concat(("--" + BOUNDARY + "\r\nContent-Disposition: " + disposition + "\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8), content, "\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] body(byte[]... parts) {
        var all = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            all.writeBytes(part);
        }
        all.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return all.toByteArray();
    }
}
