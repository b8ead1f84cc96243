package dev.switchboard.notification.preferences;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

import dev.switchboard.notification.preferences.MailPreferencesBodies.MailPreferencesBody;
import dev.switchboard.platform.edge.EdgeTrustFilter;
import jakarta.validation.Valid;
import reactor.core.publisher.Mono;

/**
 * Which mail the tenant's events send, beside the Webitel email settings and authenticated the same way
 * ({@code X-Key}, {@code X-Access-Token}, {@code domain}): the acknowledgement on or off and in the tenant's own
 * words per language, the agent's answer on or off.
 */
@RestController
@RequestMapping("/api/v2/email/notifications")
class MailPreferencesController {

    private final MailPreferencesService preferences;

    MailPreferencesController(MailPreferencesService preferences) {
        this.preferences = preferences;
    }

    @GetMapping
    Mono<MailPreferencesBody> get(@RequestParam(name = "domain") String domain, ServerWebExchange exchange) {
        return Mono.defer(() -> preferences.get(EdgeTrustFilter.authenticatedTenant(exchange), domain));
    }

    @PutMapping
    Mono<MailPreferencesBody> put(@RequestParam(name = "domain") String domain,
                                  @Valid @RequestBody MailPreferencesBody body, ServerWebExchange exchange) {
        return Mono.defer(() -> preferences.put(EdgeTrustFilter.authenticatedTenant(exchange), domain, body));
    }
}
