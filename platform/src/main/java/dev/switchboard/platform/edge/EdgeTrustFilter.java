package dev.switchboard.platform.edge;

import java.util.Optional;

import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import dev.switchboard.platform.web.NhnApiException;
import reactor.core.publisher.Mono;

/**
 * Refuses every request to a service that does not carry a valid {@link EdgeToken} for itself, and
 * every path that does not belong to the tenant the gateway authenticated. Actuator endpoints
 * (health, metrics) stay reachable for the platform's probes.
 */
public class EdgeTrustFilter implements WebFilter, Ordered {

    /** Exchange attribute holding the serviceId the gateway authenticated ("" for none). */
    public static final String TENANT_ATTRIBUTE = EdgeTrustFilter.class.getName() + ".serviceId";

    private final EdgeToken tokens;

    public EdgeTrustFilter(EdgeToken tokens) {
        this.tokens = tokens;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 10;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        var request = exchange.getRequest();
        String path = request.getPath().pathWithinApplication().value();
        if (path.startsWith("/actuator/")) {
            return chain.filter(exchange);
        }
        Optional<String> serviceId = tokens.verify(request.getHeaders().getFirst(EdgeToken.HEADER),
                request.getMethod().name(), request.getPath().value());
        if (serviceId.isEmpty()) {
            return Mono.error(NhnApiException.forbidden("Requests must come through the Switchboard gateway"));
        }
        String tenant = serviceId.get();
        if (!pathBelongsTo(tenant, path)) {
            return Mono.error(NhnApiException.forbidden("The request path does not belong to the authenticated service"));
        }
        exchange.getAttributes().put(TENANT_ATTRIBUTE, tenant);
        return chain.filter(exchange);
    }

    /**
     * Without a tenant only the operator API is open; with one, only that tenant's NHN paths and the
     * dialects whose tenant comes from their credential ({@code /api/...}).
     */
    static boolean pathBelongsTo(String tenant, String path) {
        if (tenant.isEmpty()) {
            return path.startsWith("/operator/");
        }
        return path.startsWith("/" + tenant + "/") || path.startsWith("/api/");
    }
}
