package dev.switchboard.gateway.edge;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.core.Ordered;
import org.springframework.core.ResolvableType;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.codec.multipart.DefaultPartHttpMessageReader;
import org.springframework.http.codec.multipart.FilePart;
import org.springframework.http.codec.multipart.Part;
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
import dev.switchboard.platform.edge.NhnSignature;
import dev.switchboard.platform.web.NhnApiException;
import dev.switchboard.platform.web.SuperOfficeErrorHandler;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Authentication at the edge, before routing: NHN common authentication, and the SuperOffice dialect's
 * Basic/Bearer credential ({@link AgentCredentials}) under {@code /api/v1/}. Signed paths ({@code /{serviceId}/openapi/v1/})
 * need a fresh {@code X-TC-Timestamp} and an {@code Authorization} matching the tenant's key (compared
 * in constant time; over the file's MD5 for multipart uploads); public paths ({@code /{serviceId}/api/v2/}) need an enabled tenant. Whatever passes
 * is forwarded with an {@link EdgeToken} naming the tenant, and client-sent internal headers are dropped,
 * so a service believes only what the edge established.
 */
@Component
class EdgeAuthenticationFilter implements WebFilter, Ordered {

    static final String TIMESTAMP = "X-TC-Timestamp";
    static final String CORRELATION = "X-Correlation-Id";
    private static final Pattern SIGNED = Pattern.compile("^/([A-Za-z0-9_-]{1,64})/openapi/v1/.*");
    private static final Pattern PUBLIC = Pattern.compile("^/([A-Za-z0-9_-]{1,64})/api/v2/.*");
    private static final Pattern SAFE_CORRELATION = Pattern.compile("[A-Za-z0-9._:-]{1,100}");

    private final TenantDirectory tenants;
    private final AgentCredentials agentCredentials;
    private final EdgeToken edgeTokens;
    private final GatewayProperties properties;
    private final Clock clock = Clock.systemUTC();

    EdgeAuthenticationFilter(TenantDirectory tenants, AgentCredentials agentCredentials, EdgeToken edgeTokens,
                            GatewayProperties properties) {
        this.tenants = tenants;
        this.agentCredentials = agentCredentials;
        this.edgeTokens = edgeTokens;
        this.properties = properties;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 10;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String path = exchange.getRequest().getPath().value();
        if (path.startsWith("/actuator/")) {
            return chain.filter(exchange);
        }
        if (path.startsWith("/operator/")) {
            return forward(exchange, chain, "", exchange.getRequest());
        }
        if (path.startsWith(SuperOfficeErrorHandler.PREFIX)) {
            // the SuperOffice dialect: the tenant comes from the credential, not from the path
            return Mono.fromCallable(() -> agentCredentials.authenticate(
                            exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION)))
                    .flatMap(serviceId -> forward(exchange, chain, serviceId, exchange.getRequest()));
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
        MediaType contentType = request.getHeaders().getContentType();
        boolean upload = contentType != null && MediaType.MULTIPART_FORM_DATA.isCompatibleWith(contentType);
        return readBody(request).flatMap(body -> {
            // re-wraps the bytes on every subscription: read once for the file's MD5, again when forwarded
            ServerHttpRequest replay = withBody(request, exchange, body);
            Mono<String> expected = upload
                    // for an upload the MD5 of the file takes the place of parameters and body
                    ? fileMd5(replay).map(md5 -> NhnSignature.signUpload(tenant.serviceKey(), tenant.organizationId(),
                            request.getPath().value(), md5, timestamp.trim()))
                    : Mono.just(NhnSignature.sign(tenant.serviceKey(), tenant.organizationId(), request.getPath().value(),
                            request.getQueryParams(), body, timestamp.trim()));
            return expected.flatMap(signature -> NhnSignature.matches(signature, authorization)
                    ? forward(exchange, chain, serviceId, replay)
                    : Mono.error(NhnApiException.badRequest("Authorization is incorrect: the signature does not match")));
        });
    }

    private Mono<byte[]> fileMd5(ServerHttpRequest replay) {
        var reader = new DefaultPartHttpMessageReader();
        reader.setMaxInMemorySize((int) properties.maxBodySize().toBytes());
        return reader.read(ResolvableType.forClass(Part.class), replay, Map.of())
                .filter(FilePart.class::isInstance)
                .next()
                .flatMap(file -> DataBufferUtils.join(file.content()).map(buffer -> {
                    MessageDigest md5 = md5();
                    byte[] bytes = new byte[buffer.readableByteCount()];
                    buffer.read(bytes);
                    DataBufferUtils.release(buffer);
                    return md5.digest(bytes);
                }).defaultIfEmpty(md5().digest()))
                .onErrorMap(error -> !(error instanceof NhnApiException),
                        error -> NhnApiException.badRequest("Malformed multipart body"))
                .switchIfEmpty(Mono.error(() -> NhnApiException.badRequest("A multipart upload needs a file part")));
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
            return Mono.error(new NhnApiException(org.springframework.http.HttpStatus.PAYLOAD_TOO_LARGE, 413,
                    "Request body is larger than " + properties.maxBodySize(), null));
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

    private Mono<Void> forward(ServerWebExchange exchange, WebFilterChain chain, String serviceId,
                               ServerHttpRequest request) {
        String correlation = request.getHeaders().getFirst(CORRELATION);
        String correlationId = correlation != null && SAFE_CORRELATION.matcher(correlation).matches()
                ? correlation : UUID.randomUUID().toString();
        String token = edgeTokens.issue(serviceId, request.getMethod().name(), request.getPath().value());
        ServerHttpRequest forwarded = request.mutate()
                .headers(headers -> {
                    headers.headerNames().stream()
                            .filter(name -> name.regionMatches(true, 0, "X-Switchboard-", 0, 14))
                            .toList()
                            .forEach(headers::remove);
                    headers.set(EdgeToken.HEADER, token);
                    headers.set(CORRELATION, correlationId);
                })
                .build();
        exchange.getResponse().getHeaders().set(CORRELATION, correlationId);
        return chain.filter(exchange.mutate().request(forwarded).build());
    }
}
