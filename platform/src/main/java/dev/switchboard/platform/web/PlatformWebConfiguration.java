package dev.switchboard.platform.web;

import org.springframework.beans.factory.annotation.Value;
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
    EdgeTrustFilter edgeTrustFilter(EdgeProperties edge, @Value("${spring.application.name}") String service) {
        return new EdgeTrustFilter(edge.tokens(), service);
    }
}
