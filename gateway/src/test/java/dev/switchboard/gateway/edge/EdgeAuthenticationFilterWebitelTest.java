package dev.switchboard.gateway.edge;

import static dev.switchboard.gateway.edge.WebitelCredentialsTest.ACME_KEY;
import static dev.switchboard.gateway.edge.WebitelCredentialsTest.ACME_SECRET;
import static dev.switchboard.gateway.edge.WebitelCredentialsTest.LATER;
import static dev.switchboard.gateway.edge.WebitelCredentialsTest.NOW;
import static dev.switchboard.gateway.edge.WebitelCredentialsTest.tenant;
import static dev.switchboard.gateway.edge.WebitelCredentialsTest.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.util.unit.DataSize;
import org.springframework.web.server.ServerWebExchange;

import dev.switchboard.gateway.config.GatewayProperties;
import dev.switchboard.gateway.tenant.TenantDirectory;
import dev.switchboard.platform.web.NhnApiException;
import reactor.core.publisher.Mono;

/** The edge authenticates the Webitel dialect on exactly its two paths and hands the service no credential. */
class EdgeAuthenticationFilterWebitelTest {

    final URI local = URI.create("http://127.0.0.1:1");
    final EdgeAuthenticationFilter filter = new EdgeAuthenticationFilter(mock(TenantDirectory.class),
            new AgentCredentials(id -> Optional.empty()),
            new WebitelCredentials(key -> ACME_KEY.equals(key)
                    ? Optional.of(tenant("acme", ACME_KEY, ACME_SECRET, LATER, true)) : Optional.empty(),
                    Clock.fixed(NOW, ZoneOffset.UTC)),
            new GatewayProperties(new GatewayProperties.Services(local, local, local, local), "unused",
                    Duration.ofMinutes(5), DataSize.ofMegabytes(1), DataSize.ofMegabytes(11), Duration.ofSeconds(20),
                    Duration.ofSeconds(120)));

    private MockServerHttpRequest.BaseBuilder<?> request(HttpMethod method, String uri) throws Exception {
        return MockServerHttpRequest.method(method, uri)
                .header(WebitelCredentials.KEY_HEADER, ACME_KEY)
                .header(WebitelCredentials.TOKEN_HEADER, token(ACME_KEY, LATER, ACME_SECRET));
    }

    /** The exchange the filter passed on, or the failure it answered with. */
    private Object outcome(MockServerHttpRequest request) {
        var passed = new AtomicReference<ServerWebExchange>();
        try {
            filter.filter(MockServerWebExchange.from(request), exchange -> {
                passed.set(exchange);
                return Mono.empty();
            }).block(Duration.ofSeconds(5));
        } catch (NhnApiException refused) {
            return refused;
        }
        return passed.get();
    }

    @Test
    void bothPathsPassWithTheTenantAndWithoutTheTokenOrClientSentInternalHeaders() throws Exception {
        for (String path : new String[] {"/api/v2/email/settings", "/api/v2/email/settings/test", "/api/v2/email/notifications"}) {
            for (HttpMethod method : new HttpMethod[] {HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE}) {
                var outcome = outcome(request(method, path + "?domain=acme")
                        .header("X-Switchboard-Edge-Token", "forged").build());

                assertThat(outcome).as(method + " " + path).isInstanceOf(ServerWebExchange.class);
                var passed = (ServerWebExchange) outcome;
                assertThat((String) passed.getAttribute(EdgeTokenFilter.TENANT)).isEqualTo("acme");
                var headers = passed.getRequest().getHeaders();
                assertThat(headers.getFirst(WebitelCredentials.TOKEN_HEADER)).isNull();
                assertThat(headers.getFirst(WebitelCredentials.KEY_HEADER)).isEqualTo(ACME_KEY);
                assertThat(headers.getFirst("X-Switchboard-Edge-Token")).isNull();
                assertThat(headers.getFirst(EdgeAuthenticationFilter.CORRELATION)).isNotBlank();
            }
        }
    }

    @Test
    void nothingNearThePathsIsAuthenticatedOrRouted() throws Exception {
        for (String path : new String[] {"/api/v2/email/settings/", "/api/v2/email/settingsx", "/api/v2/email/settings/test/",
                "/api/v2/email/settings/test/1", "/api/v2/email/settings/x", "/api/v2/email/", "/api/v2/email/other", "/api/v2/email/notifications/",
                "/api/v2/email", "/api/v2/other", "/API/v2/email/settings", "/api/v2/email/Settings",
                "/x/api/v2/email/settings"}) {
            var outcome = outcome(request(HttpMethod.GET, path + "?domain=acme").build());

            assertThat(outcome).as(path).isInstanceOfSatisfying(NhnApiException.class,
                    refused -> assertThat(refused.status().value()).isEqualTo(404));
        }
    }

    @Test
    void badCredentialsAndDomainsAreRefusedBeforeRouting() throws Exception {
        var noToken = MockServerHttpRequest.get("/api/v2/email/settings?domain=acme")
                .header(WebitelCredentials.KEY_HEADER, ACME_KEY).build();
        assertThat(outcome(noToken)).isInstanceOfSatisfying(NhnApiException.class,
                refused -> assertThat(refused.status().value()).isEqualTo(401));
        assertThat(outcome(request(HttpMethod.GET, "/api/v2/email/settings").build()))
                .isInstanceOfSatisfying(NhnApiException.class, refused -> {
                    assertThat(refused.status().value()).isEqualTo(400);
                    assertThat(refused.getMessage()).isEqualTo("Domain name is required");
                });
        assertThat(outcome(request(HttpMethod.GET, "/api/v2/email/settings/test?domain=other").build()))
                .isInstanceOfSatisfying(NhnApiException.class,
                        refused -> assertThat(refused.status().value()).isEqualTo(403));
    }
}
