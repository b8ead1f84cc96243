package dev.switchboard.account.external;

import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

import dev.switchboard.account.external.ExternalAccountRequests.ExternalAccountBody;
import dev.switchboard.platform.web.NhnApiException;
import dev.switchboard.platform.web.NhnResponse;
import jakarta.validation.Valid;
import reactor.core.publisher.Mono;

/** NHN external (IMAP) accounts: {@code /{serviceId}/openapi/v1/mail/external/...}. */
@RestController
class ExternalAccountController {

    private final ExternalAccounts accounts;

    ExternalAccountController(ExternalAccounts accounts) {
        this.accounts = accounts;
    }

    /** Answers SUCCESS after a real IMAP login, or 400 with why it failed. */
    @PostMapping("/{serviceId}/openapi/v1/mail/external/verify.json")
    Mono<NhnResponse> verify(@PathVariable String serviceId, @Valid @RequestBody ExternalAccountBody request) {
        return accounts.verify(MailVerifier.Protocol.IMAP, request.server(), request.mail())
                .thenReturn(NhnResponse.content("SUCCESS"));
    }

    /** Registers a mailbox after the same login check; the answer shows it with the password masked. */
    @PostMapping("/{serviceId}/openapi/v1/mail/external.json")
    Mono<NhnResponse> register(@PathVariable String serviceId, @Valid @RequestBody ExternalAccountBody request,
                               @RequestHeader(name = "X-Correlation-Id", required = false) String correlationId) {
        return named(request).then(accounts.register(serviceId, request.draft(), correlationId,
                Boolean.TRUE.equals(request.importExisting()))).map(ExternalAccountController::content);
    }

    /** Edits after the same login check; an omitted or masked password keeps the stored one. */
    @PutMapping("/{serviceId}/openapi/v1/mail/external/{id}.json")
    Mono<NhnResponse> edit(@PathVariable String serviceId, @PathVariable int id,
                           @Valid @RequestBody ExternalAccountBody request,
                           @RequestHeader(name = "X-Correlation-Id", required = false) String correlationId) {
        return named(request).then(accounts.edit(serviceId, id, request.draft(), correlationId)).map(ExternalAccountController::content);
    }

    @PutMapping("/{serviceId}/openapi/v1/mail/external/{id}/enable.json")
    Mono<NhnResponse> enable(@PathVariable String serviceId, @PathVariable int id,
                             @RequestHeader(name = "X-Correlation-Id", required = false) String correlationId) {
        return accounts.setActive(serviceId, id, true, correlationId).map(ExternalAccountController::content);
    }

    @PutMapping("/{serviceId}/openapi/v1/mail/external/{id}/disable.json")
    Mono<NhnResponse> disable(@PathVariable String serviceId, @PathVariable int id,
                              @RequestHeader(name = "X-Correlation-Id", required = false) String correlationId) {
        return accounts.setActive(serviceId, id, false, correlationId).map(ExternalAccountController::content);
    }

    /** Only a disabled mailbox can be deleted. */
    @DeleteMapping("/{serviceId}/openapi/v1/mail/external/{id}.json")
    Mono<NhnResponse> delete(@PathVariable String serviceId, @PathVariable int id,
                             @RequestHeader(name = "X-Correlation-Id", required = false) String correlationId) {
        return accounts.delete(serviceId, id, true, correlationId).thenReturn(NhnResponse.content("SUCCESS"));
    }

    /** Registering and editing need a name (1-20 characters; the length is checked with the body). */
    private static Mono<Void> named(ExternalAccountBody request) {
        return request.name() == null || request.name().isBlank()
                ? Mono.error(NhnApiException.badRequest("Invalid request: name must be 1-20 characters"))
                : Mono.empty();
    }

    private static NhnResponse content(ExternalAccount account) {
        return NhnResponse.content(ExternalAccountView.of(account));
    }
}
