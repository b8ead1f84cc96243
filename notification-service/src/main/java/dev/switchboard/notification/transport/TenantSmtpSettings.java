package dev.switchboard.notification.transport;

import org.springframework.stereotype.Service;

import dev.switchboard.platform.crypto.SecretBox;
import reactor.core.publisher.Mono;

/**
 * The read side of tenants' SMTP transports, for the sender. Answers from a short-lived cache: a change made
 * through another instance is seen within {@code switchboard.notification.transports.cache-ttl} (10 s by
 * default), one made through this instance at once.
 */
@Service
public class TenantSmtpSettings {

    private final SmtpSettingsStore store;
    private final SecretBox secrets;

    TenantSmtpSettings(SmtpSettingsStore store, SecretBox secrets) {
        this.store = store;
        this.secrets = secrets;
    }

    /**
     * The tenant's own SMTP transport with its password opened, or an empty Mono when the tenant has none
     * (then the platform relay sends its mail).
     */
    public Mono<SmtpTransportSettings> settingsFor(String serviceId) {
        return store.cached(serviceId).flatMap(settings -> settings.map(this::open).map(Mono::just).orElseGet(Mono::empty));
    }

    SmtpTransportSettings open(SmtpSettings settings) {
        String password = settings.sealedPassword() == null ? null : secrets.open(settings.sealedPassword(),
                SmtpSettings.passwordContext(settings.serviceId(), settings.host(), settings.port(), settings.user()));
        return new SmtpTransportSettings(settings.serviceId(), settings.from(), settings.host(), settings.port(),
                settings.secure(), settings.debug(), settings.rejectUnauthorized(), settings.user(), password,
                settings.version());
    }
}
