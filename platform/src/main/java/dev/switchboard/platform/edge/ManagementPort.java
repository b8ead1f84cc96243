package dev.switchboard.platform.edge;

import org.springframework.context.ApplicationContext;
import org.springframework.web.server.ServerWebExchange;

/**
 * Health and metrics listen on a management port of their own (never routed by the gateway, loopback or
 * cluster-internal), served by a child application context that shares the parent's web filters. A request
 * belongs to the management port when the context that handles it is not the one the filter lives in: that
 * is decided by the port the request arrived on, never by anything the client sends, such as a path.
 */
public final class ManagementPort {

    private ManagementPort() {
    }

    public static boolean serves(ServerWebExchange exchange, ApplicationContext filterContext) {
        ApplicationContext handling = exchange.getApplicationContext();
        return filterContext != null && handling != null && handling != filterContext
                && handling.getParent() == filterContext;
    }
}
