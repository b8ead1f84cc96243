package dev.switchboard.gateway.edge;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.core.Ordered;
import org.springframework.core.ResolvableType;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.codec.multipart.FilePartEvent;
import org.springframework.http.codec.multipart.PartEvent;
import org.springframework.http.codec.multipart.PartEventHttpMessageReader;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import dev.switchboard.gateway.config.GatewayProperties;
import dev.switchboard.gateway.tenant.TenantDirectory;
import dev.switchboard.gateway.tenant.TenantDirectory.TenantKey;
import dev.switchboard.platform.edge.EdgeToken;
import dev.switchboard.platform.edge.ManagementPort;
import dev.switchboard.platform.edge.NhnSignature;
import dev.switchboard.platform.web.NhnApiException;
import dev.switchboard.platform.web.SuperOfficeErrorHandler;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Authentication at the edge, before routing: NHN common authentication, the SuperOffice dialect's
 * Basic/Bearer credential ({@link AgentCredentials}) under {@code /api/v1/}, and the Webitel dialect's
 * {@code X-Key} + {@code X-Access-Token} ({@link WebitelCredentials}) on exactly its email-settings paths.
 * Signed paths ({@code /{serviceId}/openapi/v1/}) need a fresh {@code X-TC-Timestamp} and an {@code Authorization} matching the tenant's key (compared
 * in constant time; over the file's MD5 for multipart uploads); public paths ({@code /{serviceId}/api/v2/}) need an enabled tenant. Whatever passes
 * is forwarded with an {@link EdgeToken} naming the tenant, and client-sent internal headers are dropped,
 * so a service believes only what the edge established.
 */
@Component
class EdgeAuthenticationFilter implements WebFilter, Ordered, ApplicationContextAware {

    static final String TIMESTAMP = "X-TC-Timestamp";
    static final String CORRELATION = "X-Correlation-Id";
    private static final Pattern SIGNED = Pattern.compile("^/([A-Za-z0-9_-]{1,64})/openapi/v1/.*");
    private static final Pattern PUBLIC = Pattern.compile("^/([A-Za-z0-9_-]{1,64})/api/v2/.*");
    static final String FILE_PART = "file";
    static final String UPLOAD_PATH = "/openapi/v1/ticket/attachments/upload.json";
    private static final int SPOOL_BUFFER = 64 * 1024;
    private static final Pattern SAFE_CORRELATION = Pattern.compile("[A-Za-z0-9._:-]{1,100}");

    private final TenantDirectory tenants;
    private final AgentCredentials agentCredentials;
    private final WebitelCredentials webitelCredentials;
    private final GatewayProperties properties;
    private final Clock clock = Clock.systemUTC();
    private ApplicationContext context;

    EdgeAuthenticationFilter(TenantDirectory tenants, AgentCredentials agentCredentials,
                             WebitelCredentials webitelCredentials, GatewayProperties properties) {
        this.tenants = tenants;
        this.agentCredentials = agentCredentials;
        this.webitelCredentials = webitelCredentials;
        this.properties = properties;
    }

    @Override
    public void setApplicationContext(ApplicationContext context) {
        this.context = context;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 10;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        // no path exemptions: health and metrics are served on the management port, which the gateway does not route
        if (ManagementPort.serves(exchange, context)) {
            return chain.filter(exchange);
        }
        String path = exchange.getRequest().getPath().value();
        if (path.startsWith("/operator/")) {
            return forward(exchange, chain, "", exchange.getRequest());
        }
        if (path.startsWith(SuperOfficeErrorHandler.PREFIX)) {
            // the SuperOffice dialect: the tenant comes from the credential, not from the path
            return Mono.fromCallable(() -> agentCredentials.authenticate(
                            exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION)))
                    .flatMap(serviceId -> forward(exchange, chain, serviceId, exchange.getRequest()));
        }
        if (WebitelCredentials.PATHS.contains(path)) {
            // the Webitel dialect: the tenant comes from X-Key, proven by X-Access-Token, for the domain asked for
            var request = exchange.getRequest();
            return Mono.fromCallable(() -> webitelCredentials.authenticate(
                            request.getHeaders().getFirst(WebitelCredentials.KEY_HEADER),
                            request.getHeaders().getFirst(WebitelCredentials.TOKEN_HEADER),
                            request.getQueryParams().get(WebitelCredentials.DOMAIN)))
                    // the token is a credential of the edge alone: the service behind trusts the edge token
                    .flatMap(serviceId -> forward(exchange, chain, serviceId, request.mutate()
                            .headers(headers -> headers.remove(WebitelCredentials.TOKEN_HEADER)).build()));
        }
        Matcher signed = SIGNED.matcher(path);
        if (signed.matches()) {
            return verifySigned(exchange, chain, signed.group(1));
        }
        Matcher open = PUBLIC.matcher(path);
        if (open.matches()) {
            String serviceId = open.group(1);
            return tenants.find(serviceId).filter(TenantKey::enabled).isPresent()
                    ? forward(exchange, chain, serviceId, exchange.getRequest())
                    : Mono.error(NhnApiException.notFound("No service " + serviceId));
        }
        return Mono.error(NhnApiException.notFound("No API at " + exchange.getRequest().getMethod() + " " + path));
    }

    private Mono<Void> verifySigned(ServerWebExchange exchange, WebFilterChain chain, String serviceId) {
        var request = exchange.getRequest();
        String timestamp = request.getHeaders().getFirst(TIMESTAMP);
        if (timestamp == null || timestamp.isBlank()) {
            return Mono.error(NhnApiException.badRequest(TIMESTAMP + " header is required"));
        }
        long sentAt;
        try {
            sentAt = Long.parseLong(timestamp.trim());
        } catch (NumberFormatException e) {
            return Mono.error(NhnApiException.badRequest(TIMESTAMP + " must be epoch milliseconds"));
        }
        if (Math.abs(clock.millis() - sentAt) > properties.timestampWindow().toMillis()) {
            return Mono.error(NhnApiException.badRequest(TIMESTAMP + " is expired: requests are valid for "
                    + properties.timestampWindow().toMinutes() + " minutes"));
        }
        String authorization = request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        if (authorization == null || authorization.isBlank()) {
            return Mono.error(NhnApiException.badRequest("Authorization header is required"));
        }
        TenantKey tenant = tenants.find(serviceId).filter(TenantKey::enabled).orElse(null);
        if (tenant == null) {
            return Mono.error(NhnApiException.forbidden("No enabled service key for service " + serviceId));
        }
        MediaType contentType = contentType(request);
        if (contentType != null && MediaType.MULTIPART_FORM_DATA.isCompatibleWith(contentType)) {
            // only the upload endpoint takes a file, so only it may make the edge spool one
            if (!request.getPath().value().equals("/" + serviceId + UPLOAD_PATH)) {
                return Mono.error(new NhnApiException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, 415,
                        "multipart/form-data is accepted only by " + UPLOAD_PATH, null));
            }
            return verifyUpload(exchange, chain, serviceId, tenant, timestamp.trim(), authorization);
        }
        return readBody(request).timeout(properties.bodyReadTimeout(), Mono.error(() -> bodyTooSlow()))
                .flatMap(body -> {
            // re-wraps the bytes on every subscription, so the body can be forwarded after it was read
            ServerHttpRequest replay = withBody(request, exchange, body);
            String signature = NhnSignature.sign(tenant.serviceKey(), tenant.organizationId(), request.getPath().value(),
                    request.getQueryParams(), body, timestamp.trim());
            return NhnSignature.matches(signature, authorization)
                    ? forward(exchange, chain, serviceId, replay)
                    : Mono.error(NhnApiException.badRequest("Authorization is incorrect: the signature does not match"));
        });
    }

    /** The request's media type; a header that does not parse is the client's error, never a 500. */
    private static MediaType contentType(ServerHttpRequest request) {
        try {
            return request.getHeaders().getContentType();
        } catch (InvalidMediaTypeException e) {
            throw NhnApiException.badRequest("Malformed Content-Type header; send application/json");
        }
    }

    /**
     * An upload is signed over its file's MD5, so the whole file must pass before it may be forwarded. It is
     * spooled to a temporary file (never held in memory), hashed while streaming from there, forwarded from
     * there, and the spool is removed when the exchange ends.
     */
    private Mono<Void> verifyUpload(ServerWebExchange exchange, WebFilterChain chain, String serviceId,
                                    TenantKey tenant, String timestamp, String authorization) {
        var request = exchange.getRequest();
        long max = properties.maxUploadSize().toBytes();
        if (request.getHeaders().getContentLength() > max) {
            return Mono.error(tooLarge());
        }
        return Mono.fromCallable(() -> Files.createTempFile("switchboard-upload-", ".spool"))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(spool -> DataBufferUtils.write(limited(request.getBody(), max), spool)
                            .timeout(properties.uploadReadTimeout(), Mono.error(() -> bodyTooSlow()))
                            .then(Mono.fromCallable(() -> Files.size(spool)).subscribeOn(Schedulers.boundedElastic()))
                            .map(size -> spooled(request, spool, size))
                            .flatMap(replay -> fileMd5(replay).flatMap(md5 -> NhnSignature.matches(
                                    NhnSignature.signUpload(tenant.serviceKey(), tenant.organizationId(),
                                            request.getPath().value(), md5, timestamp), authorization)
                                    ? forward(exchange, chain, serviceId, replay)
                                    : Mono.error(NhnApiException.badRequest(
                                            "Authorization is incorrect: the signature does not match"))))
                        .doFinally(signal -> Mono.fromCallable(() -> Files.deleteIfExists(spool))
                                .subscribeOn(Schedulers.boundedElastic()).subscribe()));
    }

    /**
     * The upload as read back from its spool, with its exact length: the service behind sees a body of known
     * size rather than the client's chunked stream.
     */
    private static ServerHttpRequest spooled(ServerHttpRequest request, Path spool, long size) {
        HttpHeaders headers = new HttpHeaders();
        headers.putAll(request.getHeaders());
        headers.remove(HttpHeaders.TRANSFER_ENCODING);
        headers.setContentLength(size);
        return new ServerHttpRequestDecorator(request) {
            @Override
            public HttpHeaders getHeaders() {
                return headers;
            }

            // Read with a plain stream into heap buffers on the bounded elastic scheduler. DataBufferUtils.read(Path)
            // reads through an AsynchronousFileChannel into the server's native buffers; when such a read was still
            // in flight as its buffer was released (the MD5 pass stops reading after the file part), the JDK's
            // reader thread died with "Already closed" and the body never completed: the 30 s upload hang.
            @Override
            public Flux<DataBuffer> getBody() {
                return DataBufferUtils.readInputStream(() -> Files.newInputStream(spool),
                                DefaultDataBufferFactory.sharedInstance, SPOOL_BUFFER)
                        .subscribeOn(Schedulers.boundedElastic());
            }
        };
    }

    private static Flux<DataBuffer> limited(Flux<DataBuffer> body, long max) {
        long[] seen = {0};
        return body.doOnNext(buffer -> {
            seen[0] += buffer.readableByteCount();
            if (seen[0] > max) {
                DataBufferUtils.release(buffer);
                throw tooLarge();
            }
        });
    }

    private static NhnApiException bodyTooSlow() {
        return new NhnApiException(HttpStatus.REQUEST_TIMEOUT, 408, "The request body did not arrive in time", null);
    }

    private static NhnApiException tooLarge() {
        return new NhnApiException(HttpStatus.PAYLOAD_TOO_LARGE, 413,
                "Request body is too large", null);
    }

    /** The MD5 of the file part named {@value #FILE_PART}, digested chunk by chunk as the parts stream from the spool. */
    private Mono<byte[]> fileMd5(ServerHttpRequest replay) {
        return new PartEventHttpMessageReader().read(ResolvableType.forClass(PartEvent.class), replay, Map.of())
                .windowUntil(PartEvent::isLast)
                .concatMap(part -> part.switchOnFirst((first, events) -> {
                    // the part the attachment service stores is the one the signature must cover
                    if (first.get() instanceof FilePartEvent file && FILE_PART.equals(file.name())) {
                        MessageDigest md5 = md5();
                        return events.doOnNext(event -> digest(md5, event.content()))
                                .then(Mono.fromSupplier(md5::digest)).flux();
                    }
                    return events.doOnNext(event -> DataBufferUtils.release(event.content())).thenMany(Flux.empty());
                }))
                .next()
                .onErrorMap(error -> !(error instanceof NhnApiException),
                        error -> NhnApiException.badRequest("Malformed multipart body"))
                .switchIfEmpty(Mono.error(() -> NhnApiException.badRequest("A multipart upload needs a file part named 'file'")));
    }

    private static void digest(MessageDigest md5, DataBuffer buffer) {
        try (var chunks = buffer.readableByteBuffers()) {
            while (chunks.hasNext()) {
                md5.update(chunks.next());
            }
        } finally {
            DataBufferUtils.release(buffer);
        }
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Mono<byte[]> readBody(ServerHttpRequest request) {
        long declared = request.getHeaders().getContentLength();
        int max = (int) properties.maxBodySize().toBytes();
        if (declared > max) {
            return Mono.error(tooLarge());
        }
        return DataBufferUtils.join(request.getBody(), max)
                .map(buffer -> {
                    byte[] bytes = new byte[buffer.readableByteCount()];
                    buffer.read(bytes);
                    DataBufferUtils.release(buffer);
                    return bytes;
                })
                .defaultIfEmpty(new byte[0]);
    }

    private static ServerHttpRequest withBody(ServerHttpRequest request, ServerWebExchange exchange, byte[] body) {
        return new ServerHttpRequestDecorator(request) {
            @Override
            public Flux<DataBuffer> getBody() {
                return Flux.defer(() -> Flux.just(exchange.getResponse().bufferFactory().wrap(body)));
            }
        };
    }

    /**
     * Passes an authenticated request on: client-sent internal headers dropped, a correlation id set, and the
     * tenant recorded for {@link EdgeTokenFilter}, which issues the token once the route (and so the service
     * it is for) is known.
     */
    private Mono<Void> forward(ServerWebExchange exchange, WebFilterChain chain, String serviceId,
                               ServerHttpRequest request) {
        String correlation = request.getHeaders().getFirst(CORRELATION);
        String correlationId = correlation != null && SAFE_CORRELATION.matcher(correlation).matches()
                ? correlation : UUID.randomUUID().toString();
        ServerHttpRequest forwarded = request.mutate()
                .headers(headers -> {
                    headers.headerNames().stream()
                            .filter(name -> name.regionMatches(true, 0, "X-Switchboard-", 0, 14))
                            .toList()
                            .forEach(headers::remove);
                    headers.set(CORRELATION, correlationId);
                })
                .build();
        exchange.getResponse().getHeaders().set(CORRELATION, correlationId);
        ServerWebExchange authenticated = exchange.mutate().request(forwarded).build();
        authenticated.getAttributes().put(EdgeTokenFilter.TENANT, serviceId);
        return chain.filter(authenticated);
    }
}
