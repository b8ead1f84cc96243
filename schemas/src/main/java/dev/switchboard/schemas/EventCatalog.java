package dev.switchboard.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Every event type with every released version of its schema.
 *
 * <p>Released versions live in {@code schema-history/<full name>/v<N>.avsc} on the classpath and are
 * never removed, so a decoder built here resolves a record written with any released version to the
 * current reader schema. The catalogue is built once and is immutable.
 */
public final class EventCatalog {

    static final String HISTORY_ROOT = "schema-history/";

    private static final EventCatalog INSTANCE = new EventCatalog();

    private final Map<String, Class<? extends SpecificRecord>> typesByName;
    private final Map<String, List<Schema>> historyByName;
    private final SchemaStore.Cache store = new SchemaStore.Cache();

    private EventCatalog() {
        Map<String, Class<? extends SpecificRecord>> types = new LinkedHashMap<>();
        Map<String, List<Schema>> history = new LinkedHashMap<>();
        for (Topic topic : Topic.values()) {
            for (Class<? extends SpecificRecord> type : topic.events()) {
                Schema current = schemaOf(type);
                types.put(current.getFullName(), type);
                List<Schema> versions = loadHistory(current.getFullName());
                history.put(current.getFullName(), versions);
                versions.forEach(store::addSchema);
                store.addSchema(current);
            }
        }
        this.typesByName = Map.copyOf(types);
        this.historyByName = Map.copyOf(history);
    }

    public static EventCatalog get() {
        return INSTANCE;
    }

    /** All event types, in topic order. */
    public List<Class<? extends SpecificRecord>> eventTypes() {
        return Arrays.stream(Topic.values()).flatMap(t -> t.events().stream()).toList();
    }

    public Optional<Class<? extends SpecificRecord>> typeNamed(String fullName) {
        return Optional.ofNullable(typesByName.get(fullName));
    }

    /** Released versions of an event's schema, oldest first. */
    public List<Schema> history(String fullName) {
        return historyByName.getOrDefault(fullName, List.of());
    }

    /** Avro single-object encoder writing with the type's current schema. */
    public <T extends SpecificRecord> BinaryMessageEncoder<T> encoder(Class<T> type) {
        return new BinaryMessageEncoder<>(SpecificData.get(), schemaOf(type));
    }

    /** Avro single-object decoder reading into the current class from any released writer version. */
    public <T extends SpecificRecord> BinaryMessageDecoder<T> decoder(Class<T> type) {
        return new BinaryMessageDecoder<>(SpecificData.get(), schemaOf(type), store);
    }

    public static Schema schemaOf(Class<? extends SpecificRecord> type) {
        return SpecificData.get().getSchema(type);
    }

    static List<Schema> loadHistory(String fullName) {
        List<Schema> versions = new ArrayList<>();
        ClassLoader loader = EventCatalog.class.getClassLoader();
        for (int version = 1; ; version++) {
            try (InputStream in = loader.getResourceAsStream(HISTORY_ROOT + fullName + "/v" + version + ".avsc")) {
                if (in == null) {
                    return List.copyOf(versions);
                }
                versions.add(new Schema.Parser().parse(in));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read released schema " + fullName + " v" + version, e);
            }
        }
    }
}
