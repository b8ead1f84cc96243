package dev.switchboard.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The build's compatibility gate: every event schema must be fully compatible (each can read the
 * other) with every released version, and the current schema must itself be a released version.
 *
 * <p>To release a changed schema, run {@code ./mvnw -pl schemas test -Dschemas.record=true}: it
 * writes the current schema as the next version, but only when it is compatible.
 */
class SchemaCompatibilityTest {

    static Stream<Class<? extends SpecificRecord>> events() {
        return EventCatalog.get().eventTypes().stream();
    }

    @ParameterizedTest
    @MethodSource("events")
    void currentSchemaIsFullyCompatibleWithEveryReleasedVersion(Class<? extends SpecificRecord> type) throws IOException {
        Schema current = EventCatalog.schemaOf(type);
        List<Schema> released = new ArrayList<>(EventCatalog.loadHistory(current.getFullName()));
        List<Schema> all = new ArrayList<>(released);
        all.add(current);
        for (Schema reader : all) {
            for (Schema writer : all) {
                var result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getResult();
                assertThat(result.getCompatibility())
                        .as("%s: a reader of one version must read every other version: %s",
                                current.getFullName(), result.getIncompatibilities())
                        .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
            }
        }
        if (Boolean.getBoolean("schemas.record") && !isReleased(current, released)) {
            Path dir = Path.of("src/main/resources", EventCatalog.HISTORY_ROOT, current.getFullName());
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("v" + (released.size() + 1) + ".avsc"), current.toString(true) + "\n");
            released.add(current);
        }
        assertThat(isReleased(current, released))
                .as("%s changed: release it with ./mvnw -pl schemas test -Dschemas.record=true and commit the new version",
                        current.getFullName())
                .isTrue();
    }

    private static boolean isReleased(Schema current, List<Schema> released) {
        long fingerprint = SchemaNormalization.parsingFingerprint64(current);
        return released.stream().anyMatch(s -> SchemaNormalization.parsingFingerprint64(s) == fingerprint
                && s.toString().equals(current.toString()));
    }
}
