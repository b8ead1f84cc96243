package dev.switchboard.account.mail;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.switchboard.account.mail.MailSettingsRequests.SaveMailSettingsRequest;
import dev.switchboard.platform.web.NhnResponse;
import jakarta.validation.Valid;
import reactor.core.publisher.Mono;

/** NHN email information: {@code mail.json} (sender settings) and {@code mail/create.json} (representative account). */
@RestController
class MailSettingsController {

    private final MailSettingsService settings;

    MailSettingsController(MailSettingsService settings) {
        this.settings = settings;
    }

    @PostMapping("/{serviceId}/openapi/v1/mail/create.json")
    Mono<NhnResponse> createRepresentative(@PathVariable String serviceId,
                                           @RequestParam(name = "mail", required = false) String mail,
                                           @RequestHeader(name = "X-Correlation-Id", required = false) String correlationId) {
        return settings.createRepresentative(serviceId, mail, correlationId).map(NhnResponse::content);
    }

    @GetMapping("/{serviceId}/openapi/v1/mail.json")
    Mono<NhnResponse> find(@PathVariable String serviceId) {
        return settings.find(serviceId).map(NhnResponse::content);
    }

    @PostMapping("/{serviceId}/openapi/v1/mail.json")
    Mono<NhnResponse> save(@PathVariable String serviceId, @Valid @RequestBody SaveMailSettingsRequest request,
                           @RequestHeader(name = "X-Correlation-Id", required = false) String correlationId) {
        return settings.save(serviceId, request, correlationId).map(NhnResponse::content);
    }
}
