package dev.switchboard.platform.web;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import dev.switchboard.platform.edge.EdgeProperties;
import dev.switchboard.platform.edge.EdgeTrustFilter;

/** The HTTP side every service shares: the error mapping of each dialect and the edge trust check. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(EdgeProperties.class)
@Import(ApiErrorConfiguration.class)
public class PlatformWebConfiguration {

    @Bean
    EdgeTrustFilter edgeTrustFilter(EdgeProperties edge) {
        return new EdgeTrustFilter(edge.tokens());
    }
}
