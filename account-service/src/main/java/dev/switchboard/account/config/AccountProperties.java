package dev.switchboard.account.config;

import java.time.Duration;
import java.util.List;

import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.NotBlank;

/**
 * Secrets and settings of account-service; the secrets come from the secret store (environment).
 *
 * @param operatorToken       bearer token of the operator API
 * @param secretsKeyset       Tink AEAD keyset (JSON) sealing service keys and mailbox passwords at rest
 * @param edgePublicKeyset    public Tink hybrid keyset of the gateway, to seal service keys for it
 * @param platformMailDomain  domain of representative accounts ({@code mail@<domain>})
 * @param mailHostsAllowed    networks (CIDR) of mail servers that may be private, loopback or
 *                            link-local; every other such address is refused before connecting
 * @param mailConnectTimeout  connect timeout of mailbox verification
 * @param mailReadTimeout     read timeout of mailbox verification
 * @param mailLoginDeadline   time a whole mailbox login (connect, TLS, login) may take; a server that
 *                            answers a byte at a time within the read timeout is cut off here
 * @param webitelTokenLifetime how long a Webitel access token ({@code X-Access-Token}) is valid when issued or
 *                            renewed; an operator may ask for a shorter one, never for a longer one
 */
@ConfigurationProperties("switchboard.account")
@Validated
public record AccountProperties(@NotBlank String operatorToken,
                                @NotBlank String secretsKeyset,
                                @NotBlank String edgePublicKeyset,
                                @DefaultValue("oc.switchboard.local") String platformMailDomain,
                                @DefaultValue List<String> mailHostsAllowed,
                                @DefaultValue("5s") Duration mailConnectTimeout,
                                @DefaultValue("10s") Duration mailReadTimeout,
                                @DefaultValue("20s") Duration mailLoginDeadline,
                                @DefaultValue(DEFAULT_WEBITEL_TOKEN_LIFETIME) @DurationMin(minutes = 1) Duration webitelTokenLifetime) {

    static final String DEFAULT_WEBITEL_TOKEN_LIFETIME = "30d";

    /** The one constructor configuration binds to. */
    @ConstructorBinding
    public AccountProperties {
    }

    /** Settings with the default Webitel token lifetime, as the tests of the mailbox checks build them. */
    public AccountProperties(String operatorToken, String secretsKeyset, String edgePublicKeyset,
                             String platformMailDomain, List<String> mailHostsAllowed, Duration mailConnectTimeout,
                             Duration mailReadTimeout, Duration mailLoginDeadline) {
        this(operatorToken, secretsKeyset, edgePublicKeyset, platformMailDomain, mailHostsAllowed, mailConnectTimeout,
                mailReadTimeout, mailLoginDeadline, DurationStyle.detectAndParse(DEFAULT_WEBITEL_TOKEN_LIFETIME));
    }
}
