package dev.switchboard.gateway.config;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.route.builder.RouteLocatorBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.switchboard.platform.crypto.HybridSeal;
import dev.switchboard.platform.edge.EdgeProperties;
import dev.switchboard.platform.edge.EdgeToken;

/** Routes of the public API and the edge's shared pieces. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(EdgeProperties.class)
class GatewayConfig {

    /**
     * One base URL for every dialect. More specific paths come first: attachments and mail settings
     * live under the same {@code /{serviceId}/openapi/v1} prefix as tickets.
     */
    @Bean
    RouteLocator routes(RouteLocatorBuilder builder, GatewayProperties properties) {
        var services = properties.services();
        return builder.routes()
                .route("operator", r -> r.order(0).path("/operator/**").uri(services.account()))
                .route("attachments", r -> r.order(1)
                        .path("/*/openapi/v1/ticket/attachments/**", "/*/api/v2/ticket/attachments/**")
                        .uri(services.attachment()))
                .route("mail-settings", r -> r.order(2)
                        .path("/*/openapi/v1/mail.json", "/*/openapi/v1/mail/**")
                        .uri(services.account()))
                .route("superoffice-email", r -> r.order(3)
                        .path("/api/v1/Agents/EMail/**")
                        .uri(services.account()))
                .route("tickets", r -> r.order(4)
                        .path("/*/openapi/v1/**", "/*/api/v2/**")
                        .uri(services.ticket()))
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
