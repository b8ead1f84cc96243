package dev.switchboard.gateway.config;

import java.net.URI;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

/**
 * The gateway's settings.
 *
 * @param services          where each service listens
 * @param edgePrivateKeyset Tink hybrid private keyset opening the service keys sealed for the edge
 * @param timestampWindow   how old (or early) an {@code X-TC-Timestamp} may be
 * @param maxBodySize       largest request body the gateway reads to verify a signature
 */
@ConfigurationProperties("switchboard.gateway")
@Validated
public record GatewayProperties(@NotNull Services services,
                                @NotBlank String edgePrivateKeyset,
                                @DefaultValue("5m") Duration timestampWindow,
                                @DefaultValue("11MB") DataSize maxBodySize) {

    public record Services(@NotNull URI account, @NotNull URI ticket, @NotNull URI attachment,
                           @NotNull URI notification) {
    }
}
