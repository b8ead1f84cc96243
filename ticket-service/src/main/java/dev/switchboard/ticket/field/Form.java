package dev.switchboard.ticket.field;

import java.util.List;
import java.util.Optional;

/**
 * The form a ticket of one category is checked against.
 *
 * @param shown           the fields of the category's layout, in order
 * @param all             every field of the tenant (system fields keep their length limits even when not shown)
 * @param categoryKnown   whether the tenant has the category the form was asked for
 * @param categoryName    the category's name, null when unknown
 * @param categoryFullName the names from the top level down, joined by " > "
 */
public record Form(List<FieldDefinition> shown, List<FieldDefinition> all, boolean categoryKnown, String categoryName,
                   String categoryFullName) {

    public Optional<FieldDefinition> field(String code) {
        return all.stream().filter(f -> f.code().equals(code)).findFirst();
    }

    public boolean shows(String code) {
        return shown.stream().anyMatch(f -> f.code().equals(code));
    }

    /** A system field's definition; every tenant has all of them. */
    public FieldDefinition system(String code) {
        return field(code).filter(FieldDefinition::system).orElseThrow();
    }
}
