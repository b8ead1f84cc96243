package dev.switchboard.platform.edge;

import java.util.Optional;

import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import dev.switchboard.platform.web.NhnApiException;
import reactor.core.publisher.Mono;

/**
 * Refuses every request to a service that does not carry a valid {@link EdgeToken} for itself, and
 * every path that does not belong to the tenant the gateway authenticated. There is no path exemption:
 * health and metrics are served on the separate management port ({@link ManagementPort}).
 */
public class EdgeTrustFilter implements WebFilter, Ordered, ApplicationContextAware {

    /** Exchange attribute holding the serviceId the gateway authenticated ("" for none). */
    public static final String TENANT_ATTRIBUTE = EdgeTrustFilter.class.getName() + ".serviceId";

    private final EdgeToken tokens;
    private final String audience;
    private ApplicationContext context;

    /** @param audience this service's application name: tokens issued for another service are refused */
    public EdgeTrustFilter(EdgeToken tokens, String audience) {
        this.tokens = tokens;
        this.audience = audience;
    }

    /**
     * The tenant the gateway authenticated for this request, for the dialects whose tenant comes from their
     * credential rather than the path ({@code /api/...}); a request without one is refused.
     */
    public static String authenticatedTenant(ServerWebExchange exchange) {
        String serviceId = exchange.getAttribute(TENANT_ATTRIBUTE);
        if (serviceId == null || serviceId.isEmpty()) {
            throw NhnApiException.forbidden("This API belongs to a tenant; authenticate with its credentials");
        }
        return serviceId;
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
        if (ManagementPort.serves(exchange, context)) {
            return chain.filter(exchange);
        }
        var request = exchange.getRequest();
        String path = request.getPath().pathWithinApplication().value();
        Optional<String> serviceId = tokens.verify(request.getHeaders().getFirst(EdgeToken.HEADER),
                new EdgeToken.Target(audience, request.getMethod().name(), request.getPath().value(),
                        request.getURI().getRawQuery()));
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
