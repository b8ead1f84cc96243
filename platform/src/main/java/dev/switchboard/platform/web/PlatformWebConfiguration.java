package dev.switchboard.platform.web;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

import dev.switchboard.platform.edge.EdgeProperties;
import dev.switchboard.platform.edge.EdgeTrustFilter;
import tools.jackson.databind.json.JsonMapper;

/** The HTTP side every service shares: the NHN error mapping and the edge trust check. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(EdgeProperties.class)
public class PlatformWebConfiguration {

    /** Runs before Spring Boot's own error handler (order -1), so no default error page ever shows. */
    @Bean
    @Order(-2)
    NhnErrorHandler nhnErrorHandler(JsonMapper json) {
        return new NhnErrorHandler(json);
    }

    @Bean
    EdgeTrustFilter edgeTrustFilter(EdgeProperties edge) {
        return new EdgeTrustFilter(edge.tokens());
    }
}
