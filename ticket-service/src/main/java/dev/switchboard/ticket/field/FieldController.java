package dev.switchboard.ticket.field;


import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.switchboard.platform.web.NhnResponse;
import dev.switchboard.ticket.field.FieldRequests.CreateFieldRequest;
import dev.switchboard.ticket.field.FieldRequests.LayoutRequest;
import dev.switchboard.ticket.field.FieldRequests.UpdateFieldRequest;
import jakarta.validation.Valid;
import reactor.core.publisher.Mono;

/**
 * Ticket form fields: the vendor's public list per submission type and a signed admin API that defines fields
 * and chooses them per category ({@code categories/0/fields.json} is the default layout).
 */
@RestController
class FieldController {

    private final Fields fields;

    FieldController(Fields fields) {
        this.fields = fields;
    }

    @GetMapping({"/{serviceId}/api/v2/ticket/field/user/{categoryId}.json",
            "/{serviceId}/openapi/v1/ticket/field/user/{categoryId}.json"})
    Mono<NhnResponse> forCategory(@PathVariable String serviceId, @PathVariable(name = "categoryId") long categoryId,
                                  @RequestParam(name = "language", required = false) String language) {
        return fields.listFor(serviceId, categoryId, language).map(NhnResponse::contents);
    }

    @GetMapping("/{serviceId}/openapi/v1/ticket/fields.json")
    Mono<NhnResponse> all(@PathVariable String serviceId) {
        return fields.all(serviceId).map(NhnResponse::contents);
    }

    @PostMapping("/{serviceId}/openapi/v1/ticket/fields.json")
    Mono<NhnResponse> create(@PathVariable String serviceId, @Valid @RequestBody CreateFieldRequest request) {
        return fields.create(serviceId, request).map(NhnResponse::content);
    }

    @PutMapping("/{serviceId}/openapi/v1/ticket/fields/{fieldId}.json")
    Mono<NhnResponse> update(@PathVariable String serviceId, @PathVariable(name = "fieldId") long fieldId,
                             @Valid @RequestBody UpdateFieldRequest request) {
        return fields.update(serviceId, fieldId, request).map(NhnResponse::content);
    }

    @DeleteMapping("/{serviceId}/openapi/v1/ticket/fields/{fieldId}.json")
    Mono<NhnResponse> delete(@PathVariable String serviceId, @PathVariable(name = "fieldId") long fieldId) {
        return fields.delete(serviceId, fieldId).thenReturn(NhnResponse.content("SUCCESS"));
    }

    @GetMapping("/{serviceId}/openapi/v1/ticket/categories/{categoryId}/fields.json")
    Mono<NhnResponse> layout(@PathVariable String serviceId, @PathVariable(name = "categoryId") long categoryId) {
        return fields.layout(serviceId, categoryId).map(NhnResponse::content);
    }

    @PutMapping("/{serviceId}/openapi/v1/ticket/categories/{categoryId}/fields.json")
    Mono<NhnResponse> saveLayout(@PathVariable String serviceId, @PathVariable(name = "categoryId") long categoryId,
                                 @Valid @RequestBody LayoutRequest request) {
        return fields.saveLayout(serviceId, categoryId, request.fieldIds()).map(NhnResponse::content);
    }
}
