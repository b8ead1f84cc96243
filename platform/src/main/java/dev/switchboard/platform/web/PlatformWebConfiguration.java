package dev.switchboard.platform.web;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.switchboard.platform.edge.EdgeProperties;
import dev.switchboard.platform.edge.EdgeTrustFilter;
import tools.jackson.databind.json.JsonMapper;

/** The HTTP side every service shares: the error mapping of each dialect and the edge trust check. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(EdgeProperties.class)
public class PlatformWebConfiguration {

    @Bean
    NhnErrorHandler nhnErrorHandler(JsonMapper json) {
        return new NhnErrorHandler(json);
    }

    @Bean
    SuperOfficeErrorHandler superOfficeErrorHandler(JsonMapper json, NhnErrorHandler nhnErrorHandler) {
        return new SuperOfficeErrorHandler(json, nhnErrorHandler);
    }

    @Bean
    EdgeTrustFilter edgeTrustFilter(EdgeProperties edge) {
        return new EdgeTrustFilter(edge.tokens());
    }
}
