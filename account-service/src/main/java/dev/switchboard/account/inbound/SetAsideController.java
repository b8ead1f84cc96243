package dev.switchboard.account.inbound;

import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

import dev.switchboard.platform.edge.EdgeTrustFilter;
import dev.switchboard.platform.web.NhnApiException;
import dev.switchboard.platform.web.NhnResponse;
import reactor.core.publisher.Mono;

/**
 * The tenant's inbound messages that did not become tickets, with why: {@code GET
 * /{serviceId}/openapi/v1/mail/inbound/setaside.json?page=1&pageSize=10}, newest first, paged like the ticket
 * list ({@code pageNum} is taken for {@code page}; {@code pageSize} at most 200).
 */
@RestController
class SetAsideController {

    static final int MAX_PAGE_SIZE = 200;

    private final InboundMessages messages;

    SetAsideController(InboundMessages messages) {
        this.messages = messages;
    }

    @GetMapping("/{serviceId}/openapi/v1/mail/inbound/setaside.json")
    Mono<NhnResponse> list(@PathVariable String serviceId, @RequestParam MultiValueMap<String, String> params,
                           ServerWebExchange exchange) {
        if (!serviceId.equals(exchange.getAttribute(EdgeTrustFilter.TENANT_ATTRIBUTE))) {
            return Mono.error(NhnApiException.forbidden("The request path does not belong to the authenticated service"));
        }
        String pageParam = params.getFirst("page") != null ? params.getFirst("page") : params.getFirst("pageNum");
        int page = number(pageParam, "page", 1);
        int pageSize = number(params.getFirst("pageSize"), "pageSize", 10);
        if (page < 1) {
            return Mono.error(NhnApiException.badRequest("page starts at 1"));
        }
        if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
            return Mono.error(NhnApiException.badRequest("pageSize must be 1-" + MAX_PAGE_SIZE));
        }
        return messages.setAside(serviceId, page, pageSize)
                .map(found -> NhnResponse.page(found.contents(), found.total(), page, pageSize));
    }

    private static int number(String value, String name, int fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException notANumber) {
            throw NhnApiException.badRequest(name + " must be a number");
        }
    }
}
