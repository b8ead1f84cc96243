package dev.switchboard.ticket.category;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

/** Wire bodies of the category (submission type) API. */
final class CategoryRequests {

    private CategoryRequests() {
    }

    /**
     * Creates a category under {@code parent} (0 or absent: top level). {@code categoryId} may be given to
     * import an existing tree with its ids; otherwise the next free id is used.
     */
    record CreateCategoryRequest(@Positive Long categoryId, @PositiveOrZero Long parent,
                                 @NotBlank @Size(max = 100) String name,
                                 @Size(max = 20) Map<String, String> languages,
                                 @Min(0) @Max(100000) Integer orderNo) {
    }

    /** Renames ({@code name}, {@code languages}), reorders ({@code orderNo}) or moves ({@code parent}). */
    record UpdateCategoryRequest(@PositiveOrZero Long parent, @Size(min = 1, max = 100) String name,
                                 @Size(max = 20) Map<String, String> languages,
                                 @Min(0) @Max(100000) Integer orderNo) {
    }

    /** A category as the vendor lists it; {@code name} in the requested language. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record CategoryView(long categoryId, long parent, String name, int level, String path, int orderNo,
                        Map<String, String> languages) {
    }
}
