package dev.switchboard.platform.web;

import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import tools.jackson.databind.json.JsonMapper;

/** The error mapping of each dialect, shared by the services and the gateway. */
@Configuration(proxyBeanMethods = false)
public class ApiErrorConfiguration {

    @Bean
    NhnErrorHandler nhnErrorHandler(JsonMapper json) {
        return new NhnErrorHandler(json);
    }

    @Bean
    NettyServerCustomizer decodingFailureEnvelope() {
        return DecodingFailureEnvelope.customizer();
    }

    @Bean
    SuperOfficeErrorHandler superOfficeErrorHandler(JsonMapper json, NhnErrorHandler nhnErrorHandler) {
        return new SuperOfficeErrorHandler(json, nhnErrorHandler);
    }

    @Bean
    WebitelErrorHandler webitelErrorHandler(JsonMapper json, NhnErrorHandler nhnErrorHandler) {
        return new WebitelErrorHandler(json, nhnErrorHandler);
    }
}
