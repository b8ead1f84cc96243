package dev.switchboard.notification.delivery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import dev.switchboard.notification.config.NotificationProperties;
import dev.switchboard.platform.edge.EdgeProperties;
import dev.switchboard.platform.edge.EdgeToken;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The files an agent's answer attached, fetched from attachment-service when the mail is built: file bytes
 * cannot travel in events, and this service never reads another's database. Each call carries an edge token
 * for the event's tenant, so attachment-service serves only that tenant's files. Files fit the mail up to
 * {@code maxMailSize} in the order they were attached; the rest are named in the text (the customer sees
 * them with the ticket). A file deleted since is left out; any other failure, or all files of a mail taking
 * longer than {@code fetchTimeout}, fails the attempt, which is retried after its back-off.
 */
@Component
class ReplyFiles {

    /** A file as it goes into the mail. */
    record MailFile(String name, String contentType, byte[] content) {
    }

    /** What the mail carries, and the names of the files too large to carry. */
    record Fetched(List<MailFile> attached, List<String> tooLarge) {
        static final Fetched NONE = new Fetched(List.of(), List.of());
    }

    private record Metadata(String attachmentId, String fileName, String contentType, long size) {
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** The service the files are fetched from, which only accepts edge tokens issued for it. */
    private static final String ATTACHMENTS = "attachment-service";

    private final WebClient client;
    private final EdgeToken tokens;
    private final long maxMailSize;
    private final Duration fetchTimeout;

    ReplyFiles(NotificationProperties properties, EdgeProperties edge) {
        var settings = properties.attachments();
        this.maxMailSize = settings.maxMailSize().toBytes();
        this.fetchTimeout = settings.fetchTimeout();
        this.tokens = edge.tokens();
        this.client = WebClient.builder().baseUrl(settings.baseUrl())
                .clientConnector(new ReactorClientHttpConnector(HttpClient.create().responseTimeout(settings.timeout())))
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize((int) Math.min(Integer.MAX_VALUE,
                        maxMailSize + 1)))
                .build();
    }

    Mono<Fetched> fetch(String serviceId, List<String> attachmentIds) {
        if (attachmentIds.isEmpty()) {
            return Mono.just(Fetched.NONE);
        }
        return Flux.fromIterable(attachmentIds).concatMap(id -> metadata(serviceId, id)).collectList()
                .flatMap(found -> {
                    List<Metadata> fitting = new ArrayList<>();
                    List<String> tooLarge = new ArrayList<>();
                    long total = 0;
                    for (Metadata file : found) {
                        if (total + file.size() <= maxMailSize) {
                            fitting.add(file);
                            total += file.size();
                        } else {
                            tooLarge.add(file.fileName());
                        }
                    }
                    return Flux.fromIterable(fitting).concatMap(file -> content(serviceId, file)).collectList()
                            .map(attached -> new Fetched(attached, tooLarge));
                })
                // the per-request timeout does not bound a body that trickles in, nor many files together;
                // an attempt's time, and so its lease, counts on this bound
                .timeout(fetchTimeout);
    }

    private Mono<Metadata> metadata(String serviceId, String attachmentId) {
        String path = "/" + serviceId + "/openapi/v1/ticket/attachments/" + attachmentId + ".json";
        return client.get().uri(path)
                .header(EdgeToken.HEADER, tokens.issue(serviceId, new EdgeToken.Target(ATTACHMENTS, "GET", path, null)))
                .retrieve().bodyToMono(String.class)
                .map(body -> {
                    JsonNode content = JSON.readTree(body).path("result").path("content");
                    return new Metadata(attachmentId, content.path("fileName").asString(),
                            content.path("contentType").asString("application/octet-stream"),
                            content.path("size").asLong());
                })
                // deleted since the answer was written: the mail goes without it
                .onErrorResume(WebClientResponseException.class,
                        e -> e.getStatusCode() == HttpStatus.NOT_FOUND ? Mono.empty() : Mono.error(e));
    }

    private Mono<MailFile> content(String serviceId, Metadata file) {
        String path = "/" + serviceId + "/openapi/v1/ticket/attachments/" + file.attachmentId();
        return client.get().uri(uri -> uri.path(path).queryParam("type", "download").build())
                .header(EdgeToken.HEADER, tokens.issue(serviceId,
                        new EdgeToken.Target(ATTACHMENTS, "GET", path, "type=download")))
                .retrieve().bodyToMono(byte[].class)
                .map(bytes -> new MailFile(file.fileName(), file.contentType(), bytes))
                .onErrorResume(WebClientResponseException.class,
                        e -> e.getStatusCode() == HttpStatus.NOT_FOUND ? Mono.empty() : Mono.error(e));
    }
}
