package dev.switchboard.account.tenant;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.switchboard.account.tenant.TenantRequests.AgentSecretRequest;
import dev.switchboard.account.tenant.TenantRequests.CreateTenantRequest;
import dev.switchboard.account.tenant.TenantRequests.WebitelTokenRequest;
import dev.switchboard.platform.web.NhnResponse;
import jakarta.validation.Valid;
import reactor.core.publisher.Mono;

/**
 * Operator API: register tenants, look them up, set their agent secret, issue their Webitel credentials, enable and
 * disable them.
 */
@RestController
@RequestMapping("/operator/v1/tenants")
class OperatorController {

    private final TenantService tenants;

    OperatorController(TenantService tenants) {
        this.tenants = tenants;
    }

    @PostMapping
    Mono<NhnResponse> create(@Valid @RequestBody CreateTenantRequest request,
                             @RequestHeader(name = "X-Correlation-Id", required = false) String correlationId) {
        return tenants.create(request, correlationId).map(NhnResponse::content);
    }

    /** Re-seeds the tenant topic from the tenants collection; answers how many snapshots were published. */
    @PostMapping("/snapshots")
    Mono<NhnResponse> republish(@RequestHeader(name = "X-Correlation-Id", required = false) String correlationId) {
        return tenants.republishAll(correlationId).map(count -> NhnResponse.content(java.util.Map.of("published", count)));
    }

    /** Sets (imports or generates) the tenant's agent secret; the answer shows it this once. */
    @PutMapping("/{serviceId}/agent-secret")
    Mono<NhnResponse> setAgentSecret(@PathVariable String serviceId,
                                     @Valid @RequestBody(required = false) AgentSecretRequest request,
                                     @RequestHeader(name = "X-Correlation-Id", required = false) String correlationId) {
        return tenants.setAgentSecret(serviceId, request == null ? null : request.agentSecret(), correlationId)
                .map(NhnResponse::content);
    }

    /**
     * Issues new Webitel credentials ({@code X-Key} and {@code X-Access-Token}), replacing any earlier ones; the
     * answer shows the token this once.
     */
    @PostMapping("/{serviceId}/webitel-credentials")
    Mono<NhnResponse> issueWebitelCredentials(@PathVariable String serviceId,
                                              @Valid @RequestBody(required = false) WebitelTokenRequest request,
                                              @RequestHeader(name = "X-Correlation-Id", required = false) String correlationId) {
        return tenants.issueWebitelCredentials(serviceId, request == null ? null : request.ttlSeconds(), correlationId)
                .map(NhnResponse::content);
    }

    /** A new token (new expiry, new secret) for the same {@code X-Key}; the token it replaces stops working. */
    @PostMapping("/{serviceId}/webitel-credentials/renew")
    Mono<NhnResponse> renewWebitelToken(@PathVariable String serviceId,
                                        @Valid @RequestBody(required = false) WebitelTokenRequest request,
                                        @RequestHeader(name = "X-Correlation-Id", required = false) String correlationId) {
        return tenants.renewWebitelToken(serviceId, request == null ? null : request.ttlSeconds(), correlationId)
                .map(NhnResponse::content);
    }

    @GetMapping("/{serviceId}")
    Mono<NhnResponse> find(@PathVariable String serviceId) {
        return tenants.find(serviceId).map(NhnResponse::content);
    }

    @PostMapping("/{serviceId}/enable")
    Mono<NhnResponse> enable(@PathVariable String serviceId,
                             @RequestHeader(name = "X-Correlation-Id", required = false) String correlationId) {
        return tenants.setEnabled(serviceId, true, correlationId).map(NhnResponse::content);
    }

    @PostMapping("/{serviceId}/disable")
    Mono<NhnResponse> disable(@PathVariable String serviceId,
                              @RequestHeader(name = "X-Correlation-Id", required = false) String correlationId) {
        return tenants.setEnabled(serviceId, false, correlationId).map(NhnResponse::content);
    }
}
