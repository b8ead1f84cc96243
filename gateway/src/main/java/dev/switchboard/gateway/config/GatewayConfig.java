package dev.switchboard.gateway.config;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.route.builder.RouteLocatorBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.switchboard.gateway.edge.EdgeTokenFilter;
import dev.switchboard.gateway.edge.WebitelCredentials;
import dev.switchboard.platform.crypto.HybridSeal;
import dev.switchboard.platform.edge.EdgeProperties;
import dev.switchboard.platform.edge.EdgeToken;

/** Routes of the public API and the edge's shared pieces. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(EdgeProperties.class)
class GatewayConfig {

    private static final String SERVICE = EdgeTokenFilter.SERVICE;
    private static final String ACCOUNT = "account-service";

    /**
     * One base URL for every dialect. More specific paths come first: attachments and mail settings
     * live under the same {@code /{serviceId}/openapi/v1} prefix as tickets.
     */
    @Bean
    RouteLocator routes(RouteLocatorBuilder builder, GatewayProperties properties) {
        var services = properties.services();
        return builder.routes()
                .route("operator", r -> r.order(0).path("/operator/**")
                        .metadata(SERVICE, ACCOUNT).uri(services.account()))
                .route("attachments", r -> r.order(1)
                        .path("/*/openapi/v1/ticket/attachments/**", "/*/api/v2/ticket/attachments/**")
                        .metadata(SERVICE, "attachment-service").uri(services.attachment()))
                .route("mail-settings", r -> r.order(2)
                        .path("/*/openapi/v1/mail.json", "/*/openapi/v1/mail/**")
                        .metadata(SERVICE, ACCOUNT).uri(services.account()))
                .route("superoffice-email", r -> r.order(3)
                        .path("/api/v1/Agents/EMail/**")
                        .metadata(SERVICE, ACCOUNT).uri(services.account()))
                // exactly the paths the edge authenticates for the Webitel dialect, not a prefix
                .route("webitel-email-settings", r -> r.order(4)
                        .path(false, WebitelCredentials.SETTINGS_PATH, WebitelCredentials.SETTINGS_TEST_PATH,
                                WebitelCredentials.NOTIFICATIONS_PATH)
                        .metadata(SERVICE, "notification-service").uri(services.notification()))
                .route("tickets", r -> r.order(5)
                        .path("/*/openapi/v1/**", "/*/api/v2/**")
                        .metadata(SERVICE, "ticket-service").uri(services.ticket()))
                .build();
    }

    @Bean
    EdgeToken edgeToken(EdgeProperties edge) {
        return edge.tokens();
    }

    @Bean
    HybridSeal.Opener edgeOpener(GatewayProperties properties) {
        return new HybridSeal.Opener(properties.edgePrivateKeyset());
    }
}
