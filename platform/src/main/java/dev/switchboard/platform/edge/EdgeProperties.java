package dev.switchboard.platform.edge;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.NotBlank;

/**
 * The secret the gateway and the services share to prove a request passed the edge.
 *
 * @param secret       base64 of at least 32 random bytes; from the secret store, never in a repository
 * @param tokenMaxAge  how long an edge token is accepted after it was issued
 */
@ConfigurationProperties("switchboard.edge")
@Validated
public record EdgeProperties(@NotBlank String secret, @DefaultValue("60s") Duration tokenMaxAge) {

    public EdgeToken tokens() {
        return new EdgeToken(java.util.Base64.getDecoder().decode(secret), tokenMaxAge, java.time.Clock.systemUTC());
    }
}
