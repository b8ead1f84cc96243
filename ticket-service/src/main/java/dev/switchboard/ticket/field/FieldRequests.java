package dev.switchboard.ticket.field;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

/** Wire bodies of the field API. */
final class FieldRequests {

    private FieldRequests() {
    }

    /** Defines a custom field; {@code fieldId} may be given to import a form with its ids. */
    record CreateFieldRequest(@Positive Long fieldId,
                              @NotBlank @Pattern(regexp = FieldDefinition.CODE) String code,
                              @NotBlank String type,
                              @NotBlank @Size(max = 100) String title,
                              @Size(max = 2000) String description,
                              @Size(max = 500) String placeholder,
                              @Min(0) @Max(FieldInput.MAX_TEXT) Integer length,
                              Boolean required, Boolean encrypt, Boolean holdingText,
                              @Size(max = 100) List<@NotBlank @Size(max = 200) String> options,
                              @Size(max = 20) Map<String, @Valid TranslationBody> languages) {
    }

    /** Changes a field; code and type stay (tickets keep values by code). Absent properties keep their value. */
    record UpdateFieldRequest(@Size(min = 1, max = 100) String title,
                              @Size(max = 2000) String description,
                              @Size(max = 500) String placeholder,
                              @Min(0) @Max(FieldInput.MAX_TEXT) Integer length,
                              Boolean required, Boolean encrypt, Boolean holdingText,
                              @Size(max = 100) List<@NotBlank @Size(max = 200) String> options,
                              @Size(max = 20) Map<String, @Valid TranslationBody> languages) {
    }

    record TranslationBody(@Size(max = 100) String title, @Size(max = 2000) String description,
                           @Size(max = 500) String placeholder,
                           @Size(max = 100) List<@NotBlank @Size(max = 200) String> options) {
    }

    /** The fields a category shows, in order. */
    record LayoutRequest(@NotNull @Size(max = 200) List<@NotNull @Positive Long> fieldIds) {
    }

    /** A field as the vendor lists it for a submission type; {@code value} is always null here. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record FieldView(long fieldId, String code, String type, String title, String description, String placeholder,
                     int length, boolean required, boolean encrypt, boolean holdingText, List<String> options,
                     Object value) {
    }
}
