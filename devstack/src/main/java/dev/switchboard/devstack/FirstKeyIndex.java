package dev.switchboard.devstack;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.Utils;
import de.bwaldvogel.mongo.bson.Document;

/**
 * A secondary (non-unique) index for {@link KeyedMemoryBackend}, which otherwise accepts such indexes and ignores
 * them: it keeps, for each value of the index's first key, the positions of the documents holding it. It serves
 * two kinds of query, both only narrowing what the whole query is then matched against:
 * <ul>
 *   <li>one value pinned for the first key ({@code {status: "SENDING", nextAttemptAt: {$lte: now}}}): that
 *       value's documents;</li>
 *   <li>a range on the first key, or an {@code $elemMatch} with a range on it inside the array it is in
 *       ({@code {pendingEvents: {$elemMatch: {createdAt: {$lt: t}}}}}): every document that has a value there, so a
 *       sweep for stragglers reads the few documents with something pending, not the whole collection.</li>
 * </ul>
 * The backend picks it through {@link KeyedMemoryBackend}; to the backend's own planning it handles nothing.
 */
final class FirstKeyIndex extends Index<Integer> {

    private static final Set<String> RANGES = Set.of("$lt", "$lte", "$gt", "$gte");
    private static final Object MISSING = new Object() {
        @Override
        public String toString() {
            return "(missing)";
        }
    };

    private final String path;
    private final Map<Object, Set<Integer>> positionsByValue = new HashMap<>();
    private final Map<Integer, Set<Object>> valuesByPosition = new HashMap<>();
    /** Removal names a document, not its position. */
    private final Map<Object, Integer> positionById = new HashMap<>();

    FirstKeyIndex(String name, List<IndexKey> keys, boolean sparse) {
        super(name, keys, sparse);
        this.path = keys.getFirst().getKey();
    }

    /**
     * How many positions {@link #candidates} would give for the query, for choosing between indexes; -1 when this
     * index cannot narrow it.
     */
    synchronized int size(Document query) {
        Object pinned = QueryTerms.pinned(query, path);
        if (pinned != null) {
            Set<Integer> positions = positionsByValue.get(normalize(pinned));
            return positions == null ? 0 : positions.size();
        }
        if (requiresValue(query)) {
            Set<Integer> missing = positionsByValue.get(MISSING);
            return valuesByPosition.size() - (missing == null ? 0 : missing.size());
        }
        return -1;
    }

    /** The positions the query can match among; only for a query {@link #size} did not answer -1 for. */
    synchronized List<Integer> candidates(Document query) {
        Object pinned = QueryTerms.pinned(query, path);
        if (pinned != null) {
            return List.copyOf(positionsByValue.getOrDefault(normalize(pinned), Set.of()));
        }
        Set<Integer> present = new TreeSet<>();
        positionsByValue.forEach((value, positions) -> {
            if (value != MISSING) {
                present.addAll(positions);
            }
        });
        return new ArrayList<>(present);
    }

    /** Whether the query (or a term of its top-level {@code $and}) cannot match a document without a value here. */
    private boolean requiresValue(Document query) {
        if (rangeOn(query.get(path))) {
            return true;
        }
        int dot = path.indexOf('.');
        if (dot > 0 && query.get(path.substring(0, dot)) instanceof Document array
                && array.size() == 1 && array.get("$elemMatch") instanceof Document element
                && rangeOn(element.get(path.substring(dot + 1)))) {
            return true;
        }
        if (query.get("$and") instanceof List<?> terms) {
            for (Object term : terms) {
                if (term instanceof Document document && requiresValue(document)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** {@code {$lt: x}}-like conditions with a non-null bound: none matches a missing field. */
    private static boolean rangeOn(Object condition) {
        if (!(condition instanceof Document operators) || operators.isEmpty()) {
            return false;
        }
        for (Map.Entry<String, Object> operator : operators.entrySet()) {
            if (!RANGES.contains(operator.getKey()) || operator.getValue() == null) {
                return false;
            }
        }
        return true;
    }

    /** The values at the path: each element of an array met on the way or at its end; MISSING when none. */
    private Set<Object> valuesOf(Document document) {
        Set<Object> values = new LinkedHashSet<>();
        collect(document, Utils.splitPath(path), 0, values);
        if (values.isEmpty()) {
            values.add(MISSING);
        }
        return values;
    }

    private static void collect(Object node, List<String> segments, int depth, Collection<Object> into) {
        if (node instanceof List<?> elements) {
            for (Object element : elements) {
                collect(element, segments, depth, into);
            }
            return;
        }
        if (depth == segments.size()) {
            if (node != null) {
                into.add(normalize(node));
            }
            return;
        }
        if (node instanceof Document document && document.containsKey(segments.get(depth))) {
            collect(document.get(segments.get(depth)), segments, depth + 1, into);
        }
    }

    private static Object normalize(Object value) {
        return value instanceof Number number ? Utils.normalizeNumber(number) : value;
    }

    @Override
    public synchronized Integer getPosition(Document document) {
        return null;
    }

    @Override
    public void checkAdd(Document document, MongoCollection<Integer> collection) {
        // not unique: nothing to refuse
    }

    @Override
    public synchronized void add(Document document, Integer position, MongoCollection<Integer> collection) {
        Set<Object> values = valuesOf(document);
        positionById.put(normalize(document.get("_id")), position);
        valuesByPosition.put(position, values);
        values.forEach(value -> positionsByValue.computeIfAbsent(value, v -> new TreeSet<>()).add(position));
    }

    @Override
    public synchronized Integer remove(Document document) {
        Integer position = positionById.remove(normalize(document.get("_id")));
        if (position != null) {
            unfile(position);
        }
        return position;
    }

    private void unfile(Integer position) {
        Set<Object> values = valuesByPosition.remove(position);
        if (values != null) {
            values.forEach(value -> {
                Set<Integer> positions = positionsByValue.get(value);
                if (positions != null && positions.remove(position) && positions.isEmpty()) {
                    positionsByValue.remove(value);
                }
            });
        }
    }

    @Override
    public boolean canHandle(Document query) {
        // chosen by KeyedMemoryBackend, which compares the candidates of every index first
        return false;
    }

    @Override
    public Iterable<Integer> getPositions(Document query) {
        return candidates(query);
    }

    @Override
    public synchronized long getCount() {
        return valuesByPosition.size();
    }

    @Override
    public long getDataSize() {
        return 0;
    }

    @Override
    public void checkUpdate(Document oldDocument, Document newDocument, MongoCollection<Integer> collection) {
        // not unique: nothing to refuse
    }

    @Override
    public synchronized void updateInPlace(Document oldDocument, Document newDocument, Integer position,
                                           MongoCollection<Integer> collection) {
        unfile(position);
        add(newDocument, position, collection);
    }

    @Override
    public synchronized void drop() {
        positionsByValue.clear();
        valuesByPosition.clear();
        positionById.clear();
    }
}
