package dev.switchboard.devstack;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import de.bwaldvogel.mongo.bson.BsonRegularExpression;
import de.bwaldvogel.mongo.bson.Document;

/** What a query requires of one field, as far as an index can use it: {@link KeyedMemoryBackend}'s planning. */
final class QueryTerms {

    private QueryTerms() {
    }

    /**
     * The values one of which {@code query} requires {@code key} to equal ({@code {key: v}} or {@code {key: {$in:
     * [v, w]}}}), directly or in a top-level {@code $and}; null when it requires none of a few plain values.
     */
    static List<Object> pinnedValues(Document query, String key, int maxIn) {
        Object single = pinned(query, key);
        if (single != null) {
            return List.of(single);
        }
        if (query.get(key) instanceof Document operators && operators.size() == 1
                && operators.get("$in") instanceof List<?> candidates && candidates.size() <= maxIn) {
            List<Object> values = new ArrayList<>();
            for (Object candidate : candidates) {
                Object value = plain(candidate);
                if (value == null) {
                    return null;
                }
                values.add(value);
            }
            return values;
        }
        if (query.get("$and") instanceof List<?> terms) {
            for (Object term : terms) {
                if (term instanceof Document document) {
                    List<Object> values = pinnedValues(document, key, maxIn);
                    if (values != null) {
                        return values;
                    }
                }
            }
        }
        return null;
    }

    /**
     * The one value {@code query} requires {@code key} to equal, directly or in a top-level {@code $and}; null
     * when it requires none (or only through an operator, a list or a nested document).
     */
    static Object pinned(Document query, String key) {
        Object direct = plain(query.get(key));
        if (direct != null) {
            return direct;
        }
        if (query.get("$and") instanceof List<?> terms) {
            for (Object term : terms) {
                if (term instanceof Document document) {
                    Object value = pinned(document, key);
                    if (value != null) {
                        return value;
                    }
                }
            }
        }
        return null;
    }

    private static Object plain(Object value) {
        // operators ({$in: ...}), embedded documents, arrays and patterns match in ways a lookup does not
        if (value == null || value instanceof Map<?, ?> || value instanceof Iterable<?>
                || value instanceof Pattern || value instanceof BsonRegularExpression) {
            return null;
        }
        return value;
    }
}
