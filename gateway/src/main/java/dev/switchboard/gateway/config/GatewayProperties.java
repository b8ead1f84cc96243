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
 * @param maxBodySize       largest JSON body the gateway reads (in memory) to verify a signature
 * @param maxUploadSize     largest multipart upload the gateway spools (to disk) to verify its signature; the
 *                          attachment service enforces the file limit itself, so this only stops abuse early
 * @param bodyReadTimeout   how long a client may take to send a JSON body the edge must read to verify it
 * @param uploadReadTimeout how long a client may take to send an upload the edge spools to verify it
 */
@ConfigurationProperties("switchboard.gateway")
@Validated
public record GatewayProperties(@NotNull Services services,
                                @NotBlank String edgePrivateKeyset,
                                @DefaultValue("5m") Duration timestampWindow,
                                @DefaultValue("1MB") DataSize maxBodySize,
                                @DefaultValue("11MB") DataSize maxUploadSize,
                                @DefaultValue("20s") Duration bodyReadTimeout,
                                @DefaultValue("120s") Duration uploadReadTimeout) {

    public record Services(@NotNull URI account, @NotNull URI ticket, @NotNull URI attachment,
                           @NotNull URI notification) {
    }
}
