package dev.switchboard.account.tenant;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.switchboard.account.tenant.TenantRequests.TenantView;
import reactor.core.publisher.Mono;

/** The Webitel credential calls of the operator API, as a client sends them: with or without a body. */
class OperatorControllerTest {

    private final TenantService tenants = mock(TenantService.class);
    private final WebTestClient client = WebTestClient.bindToController(new OperatorController(tenants)).build();

    private static final TenantView ISSUED = new TenantView("svc1", "org1", "acme", true, 4, "********", null,
            "8fd26a17-eb28-4c74-aa6f-a3794f4f466c", "h.p.s", 1_800_000_000_000L, 1L, 2L);

    @Test
    void issuingWithoutABodyTakesTheConfiguredLifetimeAndAnswersTheCredentialsInTheEnvelope() {
        when(tenants.issueWebitelCredentials(eq("svc1"), isNull(), any())).thenReturn(Mono.just(ISSUED));

        client.post().uri("/operator/v1/tenants/svc1/webitel-credentials").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.header.resultCode").isEqualTo(200)
                .jsonPath("$.result.content.webitelKey").isEqualTo("8fd26a17-eb28-4c74-aa6f-a3794f4f466c")
                .jsonPath("$.result.content.webitelAccessToken").isEqualTo("h.p.s")
                .jsonPath("$.result.content.webitelTokenExpiresDt").isEqualTo(1_800_000_000_000L);
    }

    @Test
    void renewingPassesTheAskedLifetime() {
        when(tenants.renewWebitelToken(eq("svc1"), eq(3600L), eq("c-1"))).thenReturn(Mono.just(ISSUED));

        client.post().uri("/operator/v1/tenants/svc1/webitel-credentials/renew").contentType(MediaType.APPLICATION_JSON)
                .header("X-Correlation-Id", "c-1").bodyValue("{\"ttlSeconds\":3600}").exchange()
                .expectStatus().isOk();

        verify(tenants).renewWebitelToken("svc1", 3600L, "c-1");
    }

    @Test
    void aLifetimeUnderAMinuteIsRefusedBeforeAnythingIsIssued() {
        client.post().uri("/operator/v1/tenants/svc1/webitel-credentials").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"ttlSeconds\":59}").exchange()
                .expectStatus().isBadRequest();

        verifyNoInteractions(tenants);
    }
}
