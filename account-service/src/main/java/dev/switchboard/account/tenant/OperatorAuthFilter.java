package dev.switchboard.account.tenant;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import dev.switchboard.account.config.AccountProperties;
import dev.switchboard.platform.web.NhnApiException;
import reactor.core.publisher.Mono;

/** The operator API takes only the operator's bearer token, compared in constant time. */
@Component
class OperatorAuthFilter implements WebFilter, Ordered {

    private final byte[] expectedDigest;

    OperatorAuthFilter(AccountProperties properties) {
        this.expectedDigest = sha256("Bearer " + properties.operatorToken());
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 20;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!exchange.getRequest().getPath().value().startsWith("/operator/")) {
            return chain.filter(exchange);
        }
        String presented = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        if (presented == null || !MessageDigest.isEqual(expectedDigest, sha256(presented))) {
            return Mono.error(NhnApiException.forbidden("The operator API needs the operator's bearer token"));
        }
        return chain.filter(exchange);
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
