package dev.switchboard.gateway.edge;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

import dev.switchboard.platform.edge.EdgeToken;
import dev.switchboard.platform.web.NhnApiException;
import reactor.core.publisher.Mono;

/**
 * Issues the {@link EdgeToken} for a request {@link EdgeAuthenticationFilter} let through, once the route is
 * chosen: the token names the tenant, and is bound to the service the route leads to ({@code service} in the
 * route's metadata) and to the request's method, path and query, so it opens nothing anywhere else.
 */
@Component
public final class EdgeTokenFilter implements GlobalFilter, Ordered {

    /** Exchange attribute: the serviceId the edge authenticated ("" for the operator API). */
    static final String TENANT = EdgeTokenFilter.class.getName() + ".serviceId";
    /** Route metadata key naming the service a route leads to. */
    public static final String SERVICE = "service";

    private final EdgeToken tokens;

    EdgeTokenFilter(EdgeToken tokens) {
        this.tokens = tokens;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        String serviceId = exchange.getAttribute(TENANT);
        Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
        Object service = route == null ? null : route.getMetadata().get(SERVICE);
        if (serviceId == null || service == null) {
            // every route passes the authentication filter and names its service; anything else is a bug
            return Mono.error(NhnApiException.notFound("No API at " + exchange.getRequest().getMethod() + " "
                    + exchange.getRequest().getPath().value()));
        }
        var request = exchange.getRequest();
        String token = tokens.issue(serviceId, new EdgeToken.Target(service.toString(), request.getMethod().name(),
                request.getPath().value(), request.getURI().getRawQuery()));
        return chain.filter(exchange.mutate().request(request.mutate().header(EdgeToken.HEADER, token).build()).build());
    }
}
