package dev.switchboard.notification.transport;

import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

import dev.switchboard.notification.transport.EmailSettingsBodies.EmailSettingsRequest;
import dev.switchboard.notification.transport.EmailSettingsBodies.EmailSettingsView;
import dev.switchboard.notification.transport.EmailSettingsBodies.Removed;
import dev.switchboard.notification.transport.EmailSettingsBodies.TestReport;
import dev.switchboard.notification.transport.EmailSettingsBodies.TestRequest;
import dev.switchboard.platform.edge.EdgeTrustFilter;
import jakarta.validation.Valid;
import reactor.core.publisher.Mono;

/**
 * The Webitel email-settings API: one tenant's SMTP transport, nodemailer-shaped, the password masked in every
 * answer. The tenant is the one the gateway authenticated ({@code X-Key}, {@code X-Access-Token}) and whose
 * domain it matched against {@code domain}; errors are rendered in Webitel's shape in one place, not here.
 */
@RestController
@RequestMapping("/api/v2/email/settings")
class EmailSettingsController {

    private final EmailSettingsService settings;

    EmailSettingsController(EmailSettingsService settings) {
        this.settings = settings;
    }

    @GetMapping
    Mono<EmailSettingsView> get(@RequestParam(name = "domain") String domain, ServerWebExchange exchange) {
        return Mono.defer(() -> settings.get(EdgeTrustFilter.authenticatedTenant(exchange), domain));
    }

    /** Creates the settings after checking the host; existing settings are changed with PUT, not here. */
    @PostMapping
    Mono<EmailSettingsView> create(@RequestParam(name = "domain") String domain,
                                   @Valid @RequestBody EmailSettingsRequest body, ServerWebExchange exchange) {
        return Mono.defer(() -> settings.create(EdgeTrustFilter.authenticatedTenant(exchange), domain, body));
    }

    /** Replaces the settings; {@code options.auth.pass} as the mask keeps the stored password (same server and user). */
    @PutMapping
    Mono<EmailSettingsView> update(@RequestParam(name = "domain") String domain,
                                   @Valid @RequestBody EmailSettingsRequest body, ServerWebExchange exchange) {
        return Mono.defer(() -> settings.update(EdgeTrustFilter.authenticatedTenant(exchange), domain, body));
    }

    @DeleteMapping
    Mono<Removed> delete(@RequestParam(name = "domain") String domain, ServerWebExchange exchange) {
        return Mono.defer(() -> settings.delete(EdgeTrustFilter.authenticatedTenant(exchange), domain));
    }

    /** Sends a test mail and reports each SMTP step; 200 with {@code status} {@code error} when a step failed. */
    @PostMapping("/test")
    Mono<TestReport> test(@RequestParam(name = "domain") String domain, @Valid @RequestBody TestRequest body,
                          ServerWebExchange exchange) {
        return Mono.defer(() -> settings.test(EdgeTrustFilter.authenticatedTenant(exchange), domain, body));
    }
}
