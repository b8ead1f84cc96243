package dev.switchboard.ticket.field;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A tenant's ticket form: every field definition, the default layout, and the layouts chosen per category
 * (keyed by category id; a category without its own layout inherits its nearest ancestor's, then the default).
 * One document per tenant, changed with a version check.
 */
@Document(FieldSet.COLLECTION)
record FieldSet(@Id String serviceId, long version, long lastId, List<FieldDefinition> fields,
                List<Long> defaultLayout, Map<String, List<Long>> layouts) {

    static final String COLLECTION = "ticket_forms";
    /** Ids below this are reserved for system fields. */
    static final long FIRST_CUSTOM_ID = 100;

    /** The form of a tenant that has not changed it: the system fields, as the vendor orders them. */
    static FieldSet defaults(String serviceId) {
        List<FieldDefinition> system = List.of(
                system(1, "category", "dropdown", "Inquiry type", 0, true, false),
                system(3, "mail", "text", "Email", 100, true, true),
                system(5, "subject", "text", "Subject", 255, true, false),
                system(6, "content", "textarea", "Inquiry", 0, true, false),
                system(2, "name", "text", "Name", 100, false, false),
                system(4, "phone", "text", "Phone", 30, false, true),
                system(9, "attachment", "file", "Attachments", 0, false, false),
                system(18, "typeOne", "text", "Item 1", 200, false, false),
                system(19, "typeTwo", "text", "Item 2", 200, false, false),
                system(11, "personalAgree", "agree", "Consent to the collection of personal data", 0, false, false));
        return new FieldSet(serviceId, 0, FIRST_CUSTOM_ID - 1, system,
                system.stream().map(FieldDefinition::fieldId).toList(), Map.of());
    }

    private static FieldDefinition system(long id, String code, String type, String title, int length,
                                          boolean required, boolean encrypt) {
        return new FieldDefinition(id, code, type, true, title, "", "", length, required, encrypt, true, null, Map.of());
    }

    Optional<FieldDefinition> find(long fieldId) {
        return fields.stream().filter(f -> f.fieldId() == fieldId).findFirst();
    }

    Optional<FieldDefinition> byCode(String code) {
        return fields.stream().filter(f -> f.code().equals(code)).findFirst();
    }

    /** The layout a category shows: its own, else its nearest ancestor's, else the default. */
    List<Long> layoutFor(List<Long> selfToRoot) {
        for (Long id : selfToRoot) {
            List<Long> own = layouts.get(String.valueOf(id));
            if (own != null) {
                return own;
            }
        }
        return defaultLayout;
    }
}
