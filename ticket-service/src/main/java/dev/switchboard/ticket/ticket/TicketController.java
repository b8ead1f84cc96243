package dev.switchboard.ticket.ticket;

import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.switchboard.platform.web.NhnResponse;
import dev.switchboard.ticket.ticket.TicketRequests.CreateTicketRequest;
import jakarta.validation.Valid;
import reactor.core.publisher.Mono;

/** NHN ticket API: create ({@code POST ticket.json}) and detail ({@code GET ticket/{ticketId}.json}). */
@RestController
class TicketController {

    private final TicketService tickets;
    private final TicketLifecycle lifecycle;

    TicketController(TicketService tickets, TicketLifecycle lifecycle) {
        this.tickets = tickets;
        this.lifecycle = lifecycle;
    }

    /** One customer's tickets (agent view), with the list's filters and paging. */
    @GetMapping({"/{serviceId}/openapi/v1/ticket/{usercode}/list.json",
            "/{serviceId}/openapi/v1/ticket/enduser/{usercode}/list.json"})
    Mono<NhnResponse> userList(@PathVariable String serviceId, @PathVariable String usercode,
                               @RequestParam MultiValueMap<String, String> params) {
        var scoped = new org.springframework.util.LinkedMultiValueMap<>(params);
        scoped.put("usercode", java.util.List.of(usercode));
        return Mono.fromSupplier(() -> TicketQuery.parse(serviceId, scoped)).flatMap(tickets::list);
    }

    @GetMapping("/{serviceId}/openapi/v1/ticket/enduser/{usercode}/{ticketId}/detail.json")
    Mono<NhnResponse> customerDetail(@PathVariable String serviceId, @PathVariable String usercode,
                                     @PathVariable String ticketId) {
        return tickets.find(serviceId, ticketId, usercode).map(NhnResponse::content);
    }

    @PostMapping("/{serviceId}/openapi/v1/ticket/enduser/{usercode}/{ticketId}/comment.json")
    Mono<NhnResponse> reinquiry(@PathVariable String serviceId, @PathVariable String usercode,
                                @PathVariable String ticketId, @Valid @RequestBody TicketRequests.CommentRequest request,
                                @RequestHeader(name = "X-Correlation-Id", required = false) String correlationId) {
        return lifecycle.comment(serviceId, usercode, ticketId, request, correlationId)
                .map(NhnResponse::content);
    }

    @PostMapping("/{serviceId}/openapi/v1/ticket/solve.json")
    Mono<NhnResponse> solve(@PathVariable String serviceId, @RequestParam(name = "id") String ticketId,
                            @Valid @RequestBody TicketRequests.CommentRequest request,
                            @RequestHeader(name = "X-Correlation-Id", required = false) String correlationId) {
        return lifecycle.solve(serviceId, ticketId, request, correlationId).map(NhnResponse::content);
    }

    /** Explicit status moves: {@code open} (new -> open), {@code close}, {@code reopen} (closed -> open). */
    @PostMapping("/{serviceId}/openapi/v1/ticket/{ticketId}/{transition:open|close|reopen}.json")
    Mono<NhnResponse> transition(@PathVariable String serviceId, @PathVariable String ticketId,
                                 @PathVariable String transition,
                                 @RequestHeader(name = "X-Correlation-Id", required = false) String correlationId) {
        var move = switch (transition) {
            case "open" -> TicketLifecycle.Transition.OPEN_TICKET;
            case "close" -> TicketLifecycle.Transition.CLOSE;
            default -> TicketLifecycle.Transition.REOPEN;
        };
        return lifecycle.transition(serviceId, ticketId, move, correlationId).map(NhnResponse::content);
    }

    @GetMapping("/{serviceId}/openapi/v1/ticket/list.json")
    Mono<NhnResponse> list(@PathVariable String serviceId, @RequestParam MultiValueMap<String, String> params) {
        return Mono.fromSupplier(() -> TicketQuery.parse(serviceId, params)).flatMap(tickets::list);
    }

    @GetMapping("/{serviceId}/openapi/v1/ticket/{ticketId}.json")
    Mono<NhnResponse> detail(@PathVariable String serviceId, @PathVariable String ticketId) {
        return tickets.find(serviceId, ticketId).map(NhnResponse::content);
    }

    /** With an {@code Idempotency-Key}, a repeated request answers with the ticket the first one made. */
    @PostMapping("/{serviceId}/openapi/v1/ticket.json")
    Mono<NhnResponse> create(@PathVariable String serviceId, @RequestBody CreateTicketRequest request,
                             @RequestHeader(name = IdempotencyKeys.HEADER, required = false) String idempotencyKey,
                             @RequestHeader(name = "X-Correlation-Id", required = false) String correlationId) {
        return Mono.defer(() -> tickets.create(serviceId, request, IdempotencyKeys.check(idempotencyKey), correlationId))
                .map(NhnResponse::content);
    }
}
