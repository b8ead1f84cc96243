package dev.switchboard.ticket.field;

import java.util.List;
import java.util.Map;

/**
 * One field of a tenant's ticket form. System fields (category, mail, subject, ...) keep their code and type and
 * map to the ticket's own properties; custom fields arrive in {@code userFields} by code.
 *
 * @param length      maximum length, 0 for unlimited (within the ticket's hard limits)
 * @param encrypt     values are sealed at rest and found through a keyed hash
 * @param holdingText the help center clears the placeholder on click
 * @param languages   per language code: title, description, placeholder and options in that language
 */
public record FieldDefinition(long fieldId, String code, String type, boolean system, String title,
                              String description, String placeholder, int length, boolean required, boolean encrypt,
                              boolean holdingText, List<String> options, Map<String, Translation> languages) {

    /** The form of a field's code, which tickets name their user fields by. */
    public static final String CODE = "[A-Za-z][A-Za-z0-9_]{0,49}";

    /** The same field in another language; options in the same order as the default ones. */
    public record Translation(String title, String description, String placeholder, List<String> options) {
    }

    public FieldType fieldType() {
        return FieldType.of(type).orElseThrow();
    }
}
