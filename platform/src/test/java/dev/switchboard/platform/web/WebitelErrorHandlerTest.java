package dev.switchboard.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/** The Webitel dialect renders failures as {"status":"error","Info":...}; the other dialects keep their shapes. */
class WebitelErrorHandlerTest {

    record Options(@NotBlank String host, @NotNull @Max(65535) Integer port) {
    }

    record Settings(@NotBlank String provider, @Valid @NotNull Options options) {
    }

    @RestController
    static class EmailSettings {
        @PostMapping("/api/v2/email/settings")
        Mono<Settings> save(@RequestParam(name = "domain") String domain, @Valid @RequestBody Settings body) {
            return Mono.just(body);
        }

        @GetMapping("/api/v2/email/settings")
        Mono<Settings> get(@RequestParam(name = "domain") String domain) {
            return switch (domain) {
                case "none" -> Mono.error(NhnApiException.noRelatedData("No email settings for domain none"));
                case "dup" -> Mono.error(NhnApiException.relatedDataExists("Email settings exist already"));
                case "down" -> Mono.error(new IllegalStateException("wrapped", new ConnectException("refused")));
                default -> Mono.error(NhnApiException.unauthorized("X-Access-Token is expired"));
            };
        }

        @DeleteMapping("/api/v2/email/settings")
        Mono<Void> delete() {
            return Mono.error(new IllegalStateException("a bug"));
        }

        @PostMapping("/api/v1/Agents/EMail/Get")
        Mono<Integer> superOffice(@RequestParam(name = "id") Integer id) {
            return Mono.just(id);
        }

        @PostMapping("/svc/openapi/v1/get.json")
        Mono<Integer> nhn(@RequestParam(name = "id") Integer id) {
            return Mono.just(id);
        }
    }

    WebTestClient client;

    @BeforeEach
    void bind() {
        var context = new org.springframework.context.annotation.AnnotationConfigApplicationContext();
        context.registerBean(EmailSettings.class);
        var json = JsonMapper.builder().build();
        var nhn = new NhnErrorHandler(json);
        context.registerBean(NhnErrorHandler.class, () -> nhn);
        context.registerBean(SuperOfficeErrorHandler.class, () -> new SuperOfficeErrorHandler(json, nhn));
        context.registerBean(WebitelErrorHandler.class, () -> new WebitelErrorHandler(json, nhn));
        context.register(org.springframework.web.reactive.config.WebFluxConfigurationSupport.class);
        context.refresh();
        client = WebTestClient.bindToApplicationContext(context).build();
    }

    private WebTestClient.BodyContentSpec error(WebTestClient.ResponseSpec response, int status) {
        return response.expectStatus().isEqualTo(status)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectBody()
                .jsonPath("$.status").isEqualTo("error")
                .jsonPath("$.header").doesNotExist()
                .jsonPath("$.Error").doesNotExist();
    }

    @Test
    void aValidationFailureIs400NamingTheOffendingField() {
        error(client.post().uri("/api/v2/email/settings?domain=acme").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"provider\":\"smtp\",\"options\":{\"host\":\"m.example.com\",\"port\":70000}}")
                .exchange(), 400)
                .jsonPath("$.Info").value(info -> assertThat((String) info).contains("options.port"));
    }

    @Test
    void brokenJsonAndAMissingDomainAre400() {
        error(client.post().uri("/api/v2/email/settings?domain=acme").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"provider\": \"smtp\" \"options\": {}}").exchange(), 400)
                .jsonPath("$.Info").value(info -> assertThat((String) info).startsWith("Malformed JSON"));
        error(client.get().uri("/api/v2/email/settings").exchange(), 400)
                .jsonPath("$.Info").value(info -> assertThat((String) info).contains("domain"));
    }

    @Test
    void badCredentialsAre401WithAChallenge() {
        error(client.get().uri("/api/v2/email/settings?domain=acme").exchange(), 401)
                .jsonPath("$.Info").isEqualTo("X-Access-Token is expired");
        client.get().uri("/api/v2/email/settings?domain=acme").exchange()
                .expectHeader().exists(HttpHeaders.WWW_AUTHENTICATE);
    }

    @Test
    void nhnResultCodesBecomeRestStatuses() {
        error(client.get().uri("/api/v2/email/settings?domain=none").exchange(), 404)
                .jsonPath("$.Info").isEqualTo("No email settings for domain none");
        error(client.get().uri("/api/v2/email/settings?domain=dup").exchange(), 409);
        error(client.get().uri("/api/v2/email/nothing").exchange(), 404)
                .jsonPath("$.Info").isEqualTo("No API at GET /api/v2/email/nothing");
    }

    @Test
    void anUnavailableDependencyIs503WithRetryAfter() {
        error(client.get().uri("/api/v2/email/settings?domain=down").exchange(), 503)
                .jsonPath("$.Info").value(info -> assertThat((String) info).contains("try again"));
        client.get().uri("/api/v2/email/settings?domain=down").exchange()
                .expectHeader().valueEquals(HttpHeaders.RETRY_AFTER, "5");
    }

    @Test
    void anUnexpectedFailureIs500WithAReferenceAndNoTrace() {
        error(client.delete().uri("/api/v2/email/settings?domain=acme").exchange(), 500)
                .jsonPath("$.Info").value(info -> assertThat((String) info).startsWith("Internal error, reference ")
                        .doesNotContain("a bug"));
    }

    @Test
    void otherDialectsKeepTheirShapes() {
        client.post().uri("/svc/openapi/v1/get.json?id=x").exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.header.resultCode").isEqualTo(400).jsonPath("$.status").doesNotExist();
        client.post().uri("/api/v1/Agents/EMail/Get?id=x").exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.ErrorType").isEqualTo("BadRequest").jsonPath("$.status").doesNotExist();
        client.get().uri("/api/v2/other").exchange().expectStatus().isNotFound()
                .expectBody().jsonPath("$.header.resultCode").isEqualTo(404);
    }
}
