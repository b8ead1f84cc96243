package dev.switchboard.platform.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

class EdgeTokenTest {

    static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes();
    final Clock issuedAt = Clock.fixed(Instant.parse("2026-11-21T10:00:00Z"), ZoneOffset.UTC);
    final EdgeToken issuer = new EdgeToken(SECRET, Duration.ofSeconds(60), issuedAt);

    static EdgeToken.Target ticket(String method, String path) {
        return new EdgeToken.Target("ticket-service", method, path, null);
    }

    @Test
    void acceptsTheTokenForTheRequestItWasIssuedFor() {
        String token = issuer.issue("demo", ticket("POST", "/demo/openapi/v1/ticket.json"));
        assertThat(issuer.verify(token, ticket("POST", "/demo/openapi/v1/ticket.json"))).contains("demo");
    }

    @Test
    void refusesATokenReusedForAnotherPathOrMethod() {
        String token = issuer.issue("demo", ticket("GET", "/demo/openapi/v1/mail.json"));
        assertThat(issuer.verify(token, ticket("POST", "/demo/openapi/v1/mail.json"))).isEmpty();
        assertThat(issuer.verify(token, ticket("GET", "/other/openapi/v1/mail.json"))).isEmpty();
    }

    @Test
    void refusesATokenReplayedToAnotherServiceOrWithAnotherQuery() {
        String token = issuer.issue("demo", new EdgeToken.Target("ticket-service", "GET", "/demo/openapi/v1/ticket/list.json",
                "page=1"));
        assertThat(issuer.verify(token, new EdgeToken.Target("ticket-service", "GET", "/demo/openapi/v1/ticket/list.json",
                "page=1"))).contains("demo");
        assertThat(issuer.verify(token, new EdgeToken.Target("account-service", "GET", "/demo/openapi/v1/ticket/list.json",
                "page=1"))).isEmpty();
        assertThat(issuer.verify(token, new EdgeToken.Target("ticket-service", "GET", "/demo/openapi/v1/ticket/list.json",
                "page=2"))).isEmpty();
        assertThat(issuer.verify(token, new EdgeToken.Target("ticket-service", "GET", "/demo/openapi/v1/ticket/list.json",
                null))).isEmpty();
    }

    @Test
    void refusesAnExpiredToken() {
        String token = issuer.issue("demo", ticket("GET", "/demo/x"));
        var later = new EdgeToken(SECRET, Duration.ofSeconds(60), Clock.offset(issuedAt, Duration.ofSeconds(61)));
        assertThat(later.verify(token, ticket("GET", "/demo/x"))).isEmpty();
    }

    @Test
    void refusesATokenSignedWithAnotherSecretOrTampered() {
        var other = new EdgeToken("another-secret-another-secret-xx".getBytes(), Duration.ofSeconds(60), issuedAt);
        String token = other.issue("demo", ticket("GET", "/demo/x"));
        assertThat(issuer.verify(token, ticket("GET", "/demo/x"))).isEmpty();
        assertThat(issuer.verify("v2.garbage", ticket("GET", "/demo/x"))).isEmpty();
        assertThat(issuer.verify(null, ticket("GET", "/demo/x"))).isEmpty();
    }

    @Test
    void keepsTenantlessTokensToTheOperatorApi() {
        assertThat(EdgeTrustFilter.pathBelongsTo("", "/operator/v1/tenants")).isTrue();
        assertThat(EdgeTrustFilter.pathBelongsTo("", "/demo/openapi/v1/mail.json")).isFalse();
        assertThat(EdgeTrustFilter.pathBelongsTo("demo", "/demo/openapi/v1/mail.json")).isTrue();
        assertThat(EdgeTrustFilter.pathBelongsTo("demo", "/demo2/openapi/v1/mail.json")).isFalse();
        assertThat(EdgeTrustFilter.pathBelongsTo("demo", "/operator/v1/tenants")).isFalse();
    }
}
