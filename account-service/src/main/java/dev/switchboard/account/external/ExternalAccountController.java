package dev.switchboard.account.external;

import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import dev.switchboard.account.external.ExternalAccountRequests.VerifyRequest;
import dev.switchboard.platform.web.NhnApiException;
import dev.switchboard.platform.web.NhnResponse;
import jakarta.validation.Valid;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** NHN external (IMAP) accounts: {@code /{serviceId}/openapi/v1/mail/external/...}. */
@RestController
class ExternalAccountController {

    private final ImapVerifier verifier;

    ExternalAccountController(ImapVerifier verifier) {
        this.verifier = verifier;
    }

    /** Answers SUCCESS after a real IMAP login, or 400 with why it failed. */
    @PostMapping("/{serviceId}/openapi/v1/mail/external/verify.json")
    Mono<NhnResponse> verify(@PathVariable String serviceId, @Valid @RequestBody VerifyRequest request) {
        // DNS and IMAP are blocking I/O: they run on the bounded elastic scheduler
        return Mono.fromCallable(() -> verifier.verify(request.host(), request.port(), request.ssl(), request.mail(),
                        request.password()))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(outcome -> outcome.ok() ? Mono.just(NhnResponse.content("SUCCESS"))
                        : Mono.error(NhnApiException.badRequest("Verification failed: " + outcome.failure())));
    }
}
