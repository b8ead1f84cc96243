package dev.switchboard.attachment.files;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.multipart.FilePartEvent;
import org.springframework.http.codec.multipart.PartEvent;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.switchboard.platform.web.NhnApiException;
import dev.switchboard.platform.web.NhnResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The vendor's attachment API: upload ({@code multipart/form-data}, part {@code file}), open or download,
 * delete. Downloads under the public {@code /api/v2} path need a signed, expiring link from
 * {@code link.json}; signed API calls may download directly.
 */
@RestController
class AttachmentController {

    /** The whole multipart body, every part of it, must arrive within this. */
    private static final Duration UPLOAD_TIMEOUT = Duration.ofMinutes(2);

    private final Attachments attachments;
    private final DownloadLinks links;

    AttachmentController(Attachments attachments, DownloadLinks links) {
        this.attachments = attachments;
        this.links = links;
    }

    /**
     * Streams the first part named {@code file} into storage; other parts are read and dropped. Every part is read
     * to the end before the answer, a refusal included: ending the request body early cancels the multipart
     * parser while it may still be handing out a buffer, and it would release that buffer a second time. The
     * gateway limits what can follow (its upload limit), the timeout a client that stops sending.
     */
    @PostMapping(path = "/{serviceId}/openapi/v1/ticket/attachments/upload.json",
            consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    Mono<NhnResponse> upload(@PathVariable String serviceId, @RequestBody Flux<PartEvent> parts,
                             @RequestHeader(name = "X-Correlation-Id", required = false) String correlationId) {
        var fileTaken = new AtomicBoolean();
        // an aborted body fails the part being stored as well: its outcome (and the cleanup of its bytes) comes first
        return parts.windowUntil(PartEvent::isLast)
                .concatMapDelayError(part -> part.switchOnFirst((first, events) -> {
                    if (first.get() instanceof FilePartEvent file && "file".equals(file.name())
                            && fileTaken.compareAndSet(false, true)) {
                        return attachments.store(serviceId, file.filename(), events.map(PartEvent::content), correlationId)
                                .map(Outcome::stored)
                                .onErrorResume(error -> Mono.just(Outcome.failed(error)))
                                .flux();
                    }
                    return events.<Outcome>handle((event, sink) -> DataBufferUtils.release(event.content()));
                }))
                .singleOrEmpty()
                .timeout(UPLOAD_TIMEOUT, Mono.error(() -> Rejection.of("The upload took too long.")))
                .switchIfEmpty(Mono.error(() -> NhnApiException.badRequest("A multipart upload needs a part named file")))
                .flatMap(Outcome::answer)
                .map(NhnResponse::content);
    }

    /** What storing the file part came to, held as a value so that the parts after it are still read. */
    private record Outcome(Attachments.AttachmentView view, Throwable failure) {

        static Outcome stored(Attachments.AttachmentView view) {
            return new Outcome(view, null);
        }

        static Outcome failed(Throwable failure) {
            return new Outcome(null, failure);
        }

        Mono<Attachments.AttachmentView> answer() {
            return failure == null ? Mono.just(view) : Mono.error(failure);
        }
    }

    @GetMapping("/{serviceId}/openapi/v1/ticket/attachments/{attachmentId}.json")
    Mono<NhnResponse> metadata(@PathVariable String serviceId, @PathVariable String attachmentId) {
        return attachments.find(serviceId, attachmentId).map(NhnResponse::content);
    }

    /** A link to the public download path, valid for a short while. */
    @GetMapping("/{serviceId}/openapi/v1/ticket/attachments/{attachmentId}/link.json")
    Mono<NhnResponse> link(@PathVariable String serviceId, @PathVariable String attachmentId,
                           @RequestParam(name = "type", defaultValue = "download") String type) {
        String checked = type(type);
        return attachments.find(serviceId, attachmentId)
                .map(found -> NhnResponse.content(links.issue(serviceId, attachmentId, checked)));
    }

    @GetMapping("/{serviceId}/openapi/v1/ticket/attachments/{attachmentId}")
    Mono<ResponseEntity<Flux<DataBuffer>>> signedDownload(@PathVariable String serviceId,
                                                          @PathVariable String attachmentId,
                                                          @RequestParam(name = "type", defaultValue = "download") String type) {
        return download(serviceId, attachmentId, type(type));
    }

    @GetMapping("/{serviceId}/api/v2/ticket/attachments/{attachmentId}")
    Mono<ResponseEntity<Flux<DataBuffer>>> linkDownload(@PathVariable String serviceId, @PathVariable String attachmentId,
                                                        @RequestParam(name = "type", defaultValue = "download") String type,
                                                        @RequestParam(name = "expires", required = false) Long expires,
                                                        @RequestParam(name = "signature", required = false) String signature) {
        String checked = type(type);
        if (!links.valid(serviceId, attachmentId, checked, expires, signature)) {
            return Mono.error(NhnApiException.forbidden(
                    "This download link is invalid or has expired; ask for a new one with link.json"));
        }
        return download(serviceId, attachmentId, checked);
    }

    @DeleteMapping("/{serviceId}/openapi/v1/ticket/attachments/{attachmentId}.json")
    Mono<NhnResponse> delete(@PathVariable String serviceId, @PathVariable String attachmentId,
                             @RequestHeader(name = "X-Correlation-Id", required = false) String correlationId) {
        return attachments.delete(serviceId, attachmentId, correlationId).thenReturn(NhnResponse.content("SUCCESS"));
    }

    private Mono<ResponseEntity<Flux<DataBuffer>>> download(String serviceId, String attachmentId, String type) {
        return attachments.download(serviceId, attachmentId).map(download -> {
            var attachment = download.attachment();
            return ResponseEntity.ok()
                    .contentType(MediaType.parseMediaType(attachment.contentType()))
                    .contentLength(attachment.size())
                    .header(HttpHeaders.CONTENT_DISPOSITION,
                            ContentDispositions.of("open".equals(type), attachment.fileName()))
                    .header("X-Content-Type-Options", "nosniff")
                    // opened in a browser, a file can neither run script nor load anything
                    .header("Content-Security-Policy", "default-src 'none'; sandbox")
                    .cacheControl(CacheControl.noStore().cachePrivate())
                    .body(download.content());
        });
    }

    private static String type(String type) {
        if (!"open".equals(type) && !"download".equals(type)) {
            throw NhnApiException.badRequest("Invalid parameter type: open or download");
        }
        return type;
    }
}
