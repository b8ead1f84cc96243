package dev.switchboard.ticket.category;

import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.switchboard.platform.web.NhnResponse;
import dev.switchboard.ticket.category.CategoryRequests.CreateCategoryRequest;
import dev.switchboard.ticket.category.CategoryRequests.UpdateCategoryRequest;
import jakarta.validation.Valid;
import reactor.core.publisher.Mono;

/**
 * Submission types: the vendor's public list ({@code /api/v2/ticket/categories.json}, also signed under
 * {@code /openapi/v1}) and a signed admin API to create, rename, reorder, move and delete them.
 */
@RestController
class CategoryController {

    private final Categories categories;

    CategoryController(Categories categories) {
        this.categories = categories;
    }

    @GetMapping({"/{serviceId}/api/v2/ticket/categories.json", "/{serviceId}/openapi/v1/ticket/categories.json"})
    Mono<NhnResponse> list(@PathVariable String serviceId, @RequestParam(name = "parent", required = false) Long parent,
                           @RequestParam(name = "child", required = false) Long child,
                           @RequestParam(name = "language", required = false) String language) {
        return categories.list(serviceId, parent, child, language).map(NhnResponse::contents);
    }

    @PostMapping("/{serviceId}/openapi/v1/ticket/categories.json")
    Mono<NhnResponse> create(@PathVariable String serviceId, @Valid @RequestBody CreateCategoryRequest request,
                             @RequestHeader(name = "X-Correlation-Id", required = false) String correlationId) {
        return categories.create(serviceId, request, correlationId).map(NhnResponse::content);
    }

    @PutMapping("/{serviceId}/openapi/v1/ticket/categories/{categoryId}.json")
    Mono<NhnResponse> update(@PathVariable String serviceId, @PathVariable(name = "categoryId") long categoryId,
                             @Valid @RequestBody UpdateCategoryRequest request,
                             @RequestHeader(name = "X-Correlation-Id", required = false) String correlationId) {
        return categories.update(serviceId, categoryId, request, correlationId).map(NhnResponse::content);
    }

    @DeleteMapping("/{serviceId}/openapi/v1/ticket/categories/{categoryId}.json")
    Mono<NhnResponse> delete(@PathVariable String serviceId, @PathVariable(name = "categoryId") long categoryId,
                             @RequestHeader(name = "X-Correlation-Id", required = false) String correlationId) {
        return categories.delete(serviceId, categoryId, correlationId).thenReturn(NhnResponse.content("SUCCESS"));
    }
}
