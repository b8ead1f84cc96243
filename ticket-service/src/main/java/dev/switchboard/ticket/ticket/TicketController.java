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
import reactor.core.publisher.Mono;

/** NHN ticket API: create ({@code POST ticket.json}) and detail ({@code GET ticket/{ticketId}.json}). */
@RestController
class TicketController {

    private final TicketService tickets;

    TicketController(TicketService tickets) {
        this.tickets = tickets;
    }

    @GetMapping("/{serviceId}/openapi/v1/ticket/list.json")
    Mono<NhnResponse> list(@PathVariable String serviceId, @RequestParam MultiValueMap<String, String> params) {
        return Mono.fromSupplier(() -> TicketQuery.parse(serviceId, params)).flatMap(tickets::list);
    }

    @GetMapping("/{serviceId}/openapi/v1/ticket/{ticketId}.json")
    Mono<NhnResponse> detail(@PathVariable String serviceId, @PathVariable String ticketId) {
        return tickets.find(serviceId, ticketId).map(NhnResponse::content);
    }

    @PostMapping("/{serviceId}/openapi/v1/ticket.json")
    Mono<NhnResponse> create(@PathVariable String serviceId, @RequestBody CreateTicketRequest request,
                             @RequestHeader(name = "X-Correlation-Id", required = false) String correlationId) {
        return tickets.create(serviceId, request, correlationId).map(NhnResponse::content);
    }
}
