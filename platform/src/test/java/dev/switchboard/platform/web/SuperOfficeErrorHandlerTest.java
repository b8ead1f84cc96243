package dev.switchboard.platform.web;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/** The SuperOffice dialect renders the same failures as the WebAPI's error object; NHN paths keep their envelope. */
class SuperOfficeErrorHandlerTest {

    record Inner(@JsonProperty("Server") @NotBlank @Size(max = 5) String server) {
    }

    record Body(@JsonProperty("EMailAddress") @NotBlank String eMailAddress,
                @JsonProperty("IncomingCredentials") @Valid Inner incomingCredentials) {
    }

    @RestController
    static class Agent {
        @PostMapping("/api/v1/Agents/EMail/Save")
        Mono<Body> save(@Valid @RequestBody Body body) {
            return Mono.just(body);
        }

        @PostMapping("/api/v1/Agents/EMail/Get")
        Mono<Integer> get(@RequestParam(name = "eMailAccountId") Integer id) {
            return id == 7 ? Mono.error(NhnApiException.relatedDataExists("Already there"))
                    : Mono.error(NhnApiException.notFound("No account " + id));
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
        context.registerBean(Agent.class);
        var json = JsonMapper.builder().build();
        var nhn = new NhnErrorHandler(json);
        context.registerBean(NhnErrorHandler.class, () -> nhn);
        context.registerBean(SuperOfficeErrorHandler.class, () -> new SuperOfficeErrorHandler(json, nhn));
        context.register(org.springframework.web.reactive.config.WebFluxConfigurationSupport.class);
        context.refresh();
        client = WebTestClient.bindToApplicationContext(context).build();
    }

    @Test
    void validationNamesTheWireProperty() {
        client.post().uri("/api/v1/Agents/EMail/Save").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"EMailAddress\":\"a@b.c\",\"IncomingCredentials\":{\"Server\":\"too-long\"}}")
                .exchange().expectStatus().isBadRequest()
                .expectBody()
                .jsonPath("$.ErrorSource").isEqualTo("IncomingCredentials.Server")
                .jsonPath("$.ErrorType").isEqualTo("ValidationError")
                .jsonPath("$.Error").value(message -> org.assertj.core.api.Assertions.assertThat((String) message)
                        .contains("IncomingCredentials.Server"))
                .jsonPath("$.header").doesNotExist();
    }

    @Test
    void brokenJsonAndWrongTypesAreBadRequests() {
        client.post().uri("/api/v1/Agents/EMail/Save").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"EMailAddress\": \"a\" \"x\": 1}")
                .exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.ErrorType").isEqualTo("BadRequest")
                .jsonPath("$.Error").value(message -> org.assertj.core.api.Assertions.assertThat((String) message)
                        .startsWith("Malformed JSON"));
        client.post().uri("/api/v1/Agents/EMail/Get?eMailAccountId=abc").exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.Error").isEqualTo("Invalid value 'abc' for 'eMailAccountId': expected a number");
    }

    @Test
    void nhnResultCodesBecomeRestStatuses() {
        client.post().uri("/api/v1/Agents/EMail/Get?eMailAccountId=7").exchange().expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.ErrorType").isEqualTo("Conflict");
        client.post().uri("/api/v1/Agents/EMail/Get?eMailAccountId=8").exchange().expectStatus().isNotFound()
                .expectBody().jsonPath("$.Error").isEqualTo("No account 8");
        client.post().uri("/api/v1/Agents/EMail/Nothing").exchange().expectStatus().isNotFound()
                .expectBody().jsonPath("$.ErrorType").isEqualTo("NotFound");
    }

    @Test
    void otherPathsKeepTheNhnEnvelope() {
        client.post().uri("/svc/openapi/v1/get.json?id=x").exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.header.resultCode").isEqualTo(400)
                .jsonPath("$.header.resultMessage").isEqualTo("Invalid value 'x' for 'id': expected a number");
    }
}
