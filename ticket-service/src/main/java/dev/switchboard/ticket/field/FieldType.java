package dev.switchboard.ticket.field;

import java.util.Arrays;
import java.util.Optional;

/** The vendor's field types, by their wire names. */
public enum FieldType {
    TEXT("text"), TEXTAREA("textarea"), CHECKBOX("checkbox"), DROPDOWN("dropdown"), RADIO("radio"), DATE("date"),
    DATETIME("datetime"), DATE_PERIOD("date_period"), DATETIME_PERIOD("datetime_period"), AGREE("agree"),
    FILE("file"), CAPTION("caption");

    private final String wireName;

    FieldType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** Types whose values are chosen from {@code options}. */
    boolean hasOptions() {
        return this == CHECKBOX || this == DROPDOWN || this == RADIO;
    }

    static Optional<FieldType> of(String wireName) {
        return Arrays.stream(values()).filter(t -> t.wireName.equals(wireName)).findFirst();
    }
}
