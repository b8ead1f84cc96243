package dev.switchboard.attachment.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;

import dev.switchboard.platform.web.NhnApiException;
import reactor.core.publisher.Flux;

/** Name, type and size checks of uploads, and the download headers built from stored names. */
class FileChecksTest {

    static final byte[] PNG = HexFormat.of().parseHex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489");
    static final byte[] EXE = concat("MZ".getBytes(StandardCharsets.US_ASCII), new byte[62],
            "This program cannot be run in DOS mode.".getBytes(StandardCharsets.US_ASCII));
    static final byte[] PDF = "%PDF-1.7\n1 0 obj\n<<>>\nendobj\n".getBytes(StandardCharsets.US_ASCII);
    static final byte[] ZIP = HexFormat.of().parseHex("504b0304140000000800");

    static byte[] concat(byte[]... parts) {
        byte[] all = new byte[Arrays.stream(parts).mapToInt(p -> p.length).sum()];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }

    @Test
    void theBytesMustAgreeWithTheExtension() {
        assertThat(FileTypes.sniff(PNG, "image.png")).contains("image/png");
        assertThat(FileTypes.sniff(PDF, "manual.pdf")).contains("application/pdf");
        assertThat(FileTypes.sniff("hello\n".getBytes(StandardCharsets.UTF_8), "hello.txt")).contains("text/plain");
        assertThat(FileTypes.sniff(ZIP, "archive.zip")).contains("application/zip");
        assertThat(FileTypes.sniff(ZIP, "report.docx")).isPresent();
        // renamed executables and HTML pages are refused
        assertThat(FileTypes.sniff(EXE, "image.png")).isEmpty();
        assertThat(FileTypes.sniff(EXE, "notes.txt")).isEmpty();
        assertThat(FileTypes.sniff("<!DOCTYPE html><html><script>alert(1)</script></html>".getBytes(StandardCharsets.UTF_8),
                "notes.txt")).isEmpty();
        assertThat(FileTypes.sniff(PNG, "image.jpg")).isEmpty();
    }

    @Test
    void onlyTheVendorsExtensionsAreAccepted() {
        assertThat(FileTypes.allowedExtension("A.PNG")).isTrue();
        assertThat(FileTypes.allowedExtension("setup.exe")).isFalse();
        assertThat(FileTypes.allowedExtension("page.html")).isFalse();
        assertThat(FileTypes.allowedExtension("image.svg")).isFalse();
        assertThat(FileTypes.allowedExtension("noextension")).isFalse();
    }

    @Test
    void namesLoseTheirPathAndMayNotCarryControls() {
        assertThat(FileNames.clean("C:\\Users\\me\\photo.png")).contains("photo.png");
        assertThat(FileNames.clean("../../etc/passwd.txt")).contains("passwd.txt");
        assertThat(FileNames.clean("a\r\nSet-Cookie: x.txt")).isEmpty();
        assertThat(FileNames.clean("..")).isEmpty();
        assertThat(FileNames.clean("  ")).isEmpty();
    }

    @Test
    void theSizeLimitHoldsToTheByteWhileStreaming() {
        long limit = 1024 * 1024;
        var exact = new UploadGuard(limit, "1MB", "image.png");
        exact.watch(stream(PNG, limit)).blockLast();
        assertThat(exact.size()).isEqualTo(limit);
        assertThat(exact.contentType()).isEqualTo("image/png");

        var over = new UploadGuard(limit, "1MB", "image.png");
        assertThatThrownBy(() -> over.watch(stream(PNG, limit + 1)).blockLast())
                .isInstanceOf(NhnApiException.class).hasMessage("You can only attach files up to 1MB.");
    }

    @Test
    void aRenamedExecutableIsRefusedOnceItsFirstBytesArrive() {
        var guard = new UploadGuard(10 * 1024 * 1024, "10MB", "cat.png");
        List<ByteBuffer> handedOn = new ArrayList<>();
        assertThatThrownBy(() -> guard.watch(stream(EXE, 1024 * 1024)).doOnNext(handedOn::add).blockLast())
                .isInstanceOf(NhnApiException.class).hasMessage("This file format cannot be attached.");
        // nothing reaches storage, and the rest of the file is read without being counted or copied
        assertThat(handedOn).isEmpty();
        assertThat(guard.size()).isLessThan(1024 * 1024);
    }

    @Test
    void anEmptyFileIsRefused() {
        var guard = new UploadGuard(1024, "1KB", "empty.txt");
        assertThatThrownBy(() -> guard.finish().block()).hasMessage("The file is empty.");
    }

    @Test
    void contentDispositionCarriesBothNameFormsAndNothingElse() {
        assertThat(ContentDispositions.of(false, "image.png"))
                .isEqualTo("attachment; filename=\"image.png\"; filename*=UTF-8''image.png");
        assertThat(ContentDispositions.of(true, "문의 \"내용\".txt"))
                .isEqualTo("inline; filename=\"__ ____.txt\"; filename*=UTF-8''%EB%AC%B8%EC%9D%98%20%22%EB%82%B4%EC%9A%A9%22.txt");
        assertThat(ContentDispositions.of(false, "a;b=c\\d.txt")).startsWith("attachment; filename=\"a;b=c_d.txt\"")
                .endsWith("filename*=UTF-8''a%3Bb%3Dc%5Cd.txt");
    }

    /** {@code size} bytes starting with {@code head}, generated in 64 KB chunks, never all at once. */
    static Flux<org.springframework.core.io.buffer.DataBuffer> stream(byte[] head, long size) {
        int chunk = 64 * 1024;
        return Flux.generate(() -> 0L, (sent, sink) -> {
            if (sent >= size) {
                sink.complete();
                return sent;
            }
            byte[] bytes = new byte[(int) Math.min(chunk, size - sent)];
            if (sent == 0) {
                System.arraycopy(head, 0, bytes, 0, Math.min(head.length, bytes.length));
            }
            sink.next(DefaultDataBufferFactory.sharedInstance.wrap(bytes));
            return sent + bytes.length;
        });
    }
}
