package dev.switchboard.platform.web;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/** The one error mapping, on a controller bound without a server. */
class NhnErrorHandlerTest {

    record Body(Long categoryId, String subject) {
    }

    @RestController
    static class Echo {
        @PostMapping("/echo")
        Mono<NhnResponse> echo(@RequestBody Body body) {
            if ("boom".equals(body.subject())) {
                return Mono.error(new IllegalStateException("secret internals"));
            }
            if ("down".equals(body.subject())) {
                return Mono.error(new org.springframework.dao.DataAccessResourceFailureException("db down",
                        new java.net.ConnectException("Connection refused")));
            }
            if ("mediatype".equals(body.subject())) {
                // what HttpHeaders.getContentType() throws for "application/json; charset=nonsense"
                return Mono.error(new org.springframework.http.InvalidMediaTypeException(
                        "application/json; charset=nonsense", "unsupported charset 'nonsense'"));
            }
            if ("refused".equals(body.subject())) {
                return Mono.error(new IllegalStateException("wrapped", new java.net.ConnectException("refused")));
            }
            if ("exists".equals(body.subject())) {
                return Mono.error(NhnApiException.relatedDataExists("Already there"));
            }
            return Mono.just(NhnResponse.content(body));
        }
    }

    WebTestClient client;

    @BeforeEach
    void bind() {
        client = WebTestClient.bindToApplicationContext(context()).build();
    }

    static org.springframework.context.ApplicationContext context() {
        var context = new org.springframework.context.annotation.AnnotationConfigApplicationContext();
        context.registerBean(Echo.class);
        context.registerBean(NhnErrorHandler.class, () -> new NhnErrorHandler(JsonMapper.builder().build()));
        context.register(org.springframework.web.reactive.config.WebFluxConfigurationSupport.class);
        context.refresh();
        return context;
    }

    @Test
    void acceptsNumericStringsWhereNumbersAreExpected() {
        client.post().uri("/echo").contentType(MediaType.APPLICATION_JSON).bodyValue("{\"categoryId\":\"2542\",\"subject\":\"s\"}")
                .exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.result.content.categoryId").isEqualTo(2542)
                .jsonPath("$.header.isSuccessful").isEqualTo(true);
    }

    @Test
    void brokenJsonIs400WithPosition() {
        client.post().uri("/echo").contentType(MediaType.APPLICATION_JSON).bodyValue("{\"subject\": \"s\" \"x\": 1}")
                .exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.header.resultCode").isEqualTo(400)
                .jsonPath("$.header.isSuccessful").isEqualTo(false)
                .jsonPath("$.header.resultMessage").value(m -> org.assertj.core.api.Assertions.assertThat((String) m)
                        .startsWith("Malformed JSON at line 1"));
    }

    @Test
    void wrongTypeNamesTheFieldButNotOurClasses() {
        client.post().uri("/echo").contentType(MediaType.APPLICATION_JSON).bodyValue("{\"categoryId\":\"abc\"}")
                .exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.header.resultMessage").value(m -> org.assertj.core.api.Assertions
                        .assertThat((String) m).contains("'categoryId'").doesNotContain("dev.switchboard"));
    }

    @Test
    void vendorResultCodesKeepTheirCode() {
        client.post().uri("/echo").contentType(MediaType.APPLICATION_JSON).bodyValue("{\"subject\":\"exists\"}")
                .exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.header.resultCode").isEqualTo(9007)
                .jsonPath("$.header.isSuccessful").isEqualTo(false);
    }

    @Test
    void unexpectedFailuresAre500WithAReferenceAndNoInternals() {
        client.post().uri("/echo").contentType(MediaType.APPLICATION_JSON).bodyValue("{\"subject\":\"boom\"}")
                .exchange().expectStatus().is5xxServerError()
                .expectBody(String.class).value(body -> org.assertj.core.api.Assertions.assertThat(body)
                        .contains("Internal error, reference").doesNotContain("secret internals").doesNotContain("Exception"));
    }

    @Test
    void unknownPathAndWrongMethodAreEnvelopes() {
        client.get().uri("/nowhere").exchange().expectStatus().isNotFound()
                .expectBody().jsonPath("$.header.resultCode").isEqualTo(404);
        client.get().uri("/echo").exchange().expectStatus().isEqualTo(405)
                .expectBody().jsonPath("$.header.resultCode").isEqualTo(405);
    }

    @Test
    void anUnavailableDependencyIs503WithRetryAfterInTheEnvelope() {
        for (String subject : new String[] {"down", "refused"}) {
            client.post().uri("/echo").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"subject\":\"" + subject + "\"}")
                    .exchange().expectStatus().isEqualTo(503)
                    .expectHeader().valueEquals("Retry-After", "5")
                    .expectBody().jsonPath("$.header.resultCode").isEqualTo(503)
                    .jsonPath("$.header.isSuccessful").isEqualTo(false)
                    .jsonPath("$.header.resultMessage").value(m -> org.assertj.core.api.Assertions
                            .assertThat((String) m).startsWith("Service temporarily unavailable"));
        }
    }

    @Test
    void anOverloadedGatewayPoolOrNoFileDescriptorLeftIsUnavailableNotAnUnexpectedFailure() {
        org.assertj.core.api.Assertions.assertThat(NhnErrorHandler.unavailable(
                new reactor.netty.internal.shaded.reactor.pool.PoolAcquirePendingLimitException(512))).isTrue();
        org.assertj.core.api.Assertions.assertThat(NhnErrorHandler.unavailable(
                new reactor.netty.internal.shaded.reactor.pool.PoolAcquireTimeoutException(java.time.Duration.ofSeconds(10)))).isTrue();
        org.assertj.core.api.Assertions.assertThat(NhnErrorHandler.unavailable(new io.netty.channel.ChannelException(
                new java.io.IOException("newSocketStream(..) failed with error(-24): Too many open files"))))
                .isTrue();
        org.assertj.core.api.Assertions.assertThat(NhnErrorHandler.unavailable(
                new IllegalStateException("a bug"))).isFalse();
    }

    @Test
    void aMalformedContentTypeIs400NotA500() {
        client.post().uri("/echo").contentType(MediaType.APPLICATION_JSON).bodyValue("{\"subject\":\"mediatype\"}")
                .exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.header.resultMessage").isEqualTo("Malformed Content-Type header; send application/json");
    }
}
