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
import dev.switchboard.platform.web.NhnResponse;
import jakarta.validation.Valid;
import reactor.core.publisher.Mono;

/** Operator API: register tenants, look them up, set their agent secret, enable and disable them. */
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
