package dev.switchboard.account.inbound;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import dev.switchboard.events.inbound.InboundAttachment;
import dev.switchboard.platform.edge.EdgeProperties;
import dev.switchboard.platform.edge.EdgeToken;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stores a message's files in attachment-service, one upload each, in message order, with an edge token for the
 * tenant so the files are the tenant's. A part over the size limit, or one attachment-service refuses (a type it
 * does not take, an empty file), is named in {@code skippedParts} instead: the ticket says so and the message
 * still becomes a ticket. Anything else (attachment-service down or failing) fails the whole message, which is
 * then fetched again; files uploaded before that are never referenced and expire in attachment-service.
 */
@Component
class InboundParts {

    /** The files stored, and the parts not stored with why. */
    record Stored(List<InboundAttachment> attachments, List<String> skipped) {
    }

    /** attachment-service refused a request that no retry can fix from here (a wrong edge secret, a wrong URL). */
    static final class UploadFailedException extends RuntimeException {
        UploadFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final Logger log = LoggerFactory.getLogger(InboundParts.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** The service the files go to, which only accepts edge tokens issued for it. */
    private static final String ATTACHMENTS = "attachment-service";
    private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration UPLOAD_TIMEOUT = Duration.ofMinutes(2);

    private final WebClient client;
    private final EdgeToken tokens;
    private final String maxSize;

    InboundParts(InboundProperties properties, EdgeProperties edge) {
        this.tokens = edge.tokens();
        this.maxSize = shown(properties.maxAttachmentSize());
        this.client = WebClient.builder().baseUrl(properties.attachmentsBaseUrl())
                .clientConnector(new ReactorClientHttpConnector(HttpClient.create().responseTimeout(RESPONSE_TIMEOUT)))
                .build();
    }

    /** A size as the tenant reads it in a reason: 10MB, 512KB, 100B. */
    static String shown(DataSize size) {
        long bytes = size.toBytes();
        if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0) {
            return size.toMegabytes() + "MB";
        }
        return bytes >= 1024 && bytes % 1024 == 0 ? size.toKilobytes() + "KB" : bytes + "B";
    }

    Mono<Stored> store(String serviceId, List<ParsedMessage.Part> parts, List<String> alreadySkipped,
                       String correlationId) {
        List<InboundAttachment> attachments = new ArrayList<>();
        List<String> skipped = new ArrayList<>(alreadySkipped);
        return Flux.fromIterable(parts)
                .concatMap(part -> {
                    if (part.tooLarge()) {
                        skipped.add(part.fileName() + ": larger than " + maxSize);
                        return Mono.empty();
                    }
                    return upload(serviceId, part, correlationId)
                            .doOnNext(id -> attachments.add(InboundAttachment.newBuilder().setAttachmentId(id)
                                    .setFileName(part.fileName()).setContentId(part.contentId())
                                    .setInline(part.inline()).build()))
                            .onErrorResume(Refused.class, refused -> {
                                skipped.add(part.fileName() + ": " + refused.getMessage());
                                return Mono.empty();
                            });
                })
                .then(Mono.fromSupplier(() -> new Stored(List.copyOf(attachments), List.copyOf(skipped))));
    }

    /** The new file's id, or {@link Refused} for a file attachment-service will not take. */
    private Mono<String> upload(String serviceId, ParsedMessage.Part part, String correlationId) {
        String path = "/" + serviceId + "/openapi/v1/ticket/attachments/upload.json";
        MultipartBodyBuilder body = new MultipartBodyBuilder();
        body.part("file", part.content()).filename(part.fileName()).contentType(mediaType(part.contentType()));
        return client.post().uri(path)
                .header(EdgeToken.HEADER, tokens.issue(serviceId, new EdgeToken.Target(ATTACHMENTS, "POST", path, null)))
                .header("X-Correlation-Id", correlationId)
                .contentType(MediaType.MULTIPART_FORM_DATA)
                .body(BodyInserters.fromMultipartData(body.build()))
                .retrieve()
                .bodyToMono(String.class)
                .timeout(UPLOAD_TIMEOUT)
                .map(InboundParts::attachmentId)
                .onErrorMap(WebClientResponseException.class, InboundParts::classify);
    }

    private static String attachmentId(String answer) {
        String id;
        try {
            id = JSON.readTree(answer).path("result").path("content").path("attachmentId").asString(null);
        } catch (JacksonException unreadable) {
            id = null;
        }
        if (id == null || id.isBlank()) {
            throw new UploadFailedException("attachment-service answered an upload without an attachment id", null);
        }
        return id;
    }

    /** 4xx about the file itself: skipped; 401/403/404 say this service is misconfigured; 5xx and 429 are transient. */
    private static Throwable classify(WebClientResponseException error) {
        HttpStatusCode status = error.getStatusCode();
        if (status.is4xxClientError() && status.value() != HttpStatus.UNAUTHORIZED.value()
                && status.value() != HttpStatus.FORBIDDEN.value() && status.value() != HttpStatus.NOT_FOUND.value()
                && status.value() != HttpStatus.TOO_MANY_REQUESTS.value()) {
            return new Refused(message(error));
        }
        if (status.is4xxClientError() && status.value() != HttpStatus.TOO_MANY_REQUESTS.value()) {
            log.warn("attachment-service refused an inbound upload with {}: check the edge secret and"
                    + " switchboard.account.inbound.attachments-base-url", status.value());
            return new UploadFailedException("attachment-service refused the upload with " + status.value(), error);
        }
        return error;
    }

    /** attachment-service's own words for a refusal ({@code result.content.message}, else the header's). */
    private static String message(WebClientResponseException error) {
        try {
            JsonNode answer = JSON.readTree(error.getResponseBodyAsString());
            String message = answer.path("result").path("content").path("message").asString("");
            if (message.isBlank()) {
                message = answer.path("header").path("resultMessage").asString("");
            }
            if (!message.isBlank()) {
                return message.length() > 200 ? message.substring(0, 200) : message;
            }
        } catch (JacksonException | IllegalArgumentException unreadable) {
            // fall through to the status
        }
        return "refused by attachment-service (" + error.getStatusCode().value() + ")";
    }

    private static MediaType mediaType(String type) {
        try {
            return MediaType.parseMediaType(type);
        } catch (InvalidMediaTypeException unknown) {
            return MediaType.APPLICATION_OCTET_STREAM;
        }
    }

    /** A file attachment-service will not take; the message goes on without it. */
    static final class Refused extends RuntimeException {
        Refused(String reason) {
            super(reason, null, false, false);
        }
    }
}
