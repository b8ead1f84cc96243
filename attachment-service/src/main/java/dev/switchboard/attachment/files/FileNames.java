package dev.switchboard.attachment.files;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Optional;

/** The name a file is kept and served under: the last path segment, NFC, no control characters. */
final class FileNames {

    static final int MAX_LENGTH = 100;

    private FileNames() {
    }

    /** The cleaned name, or empty when nothing usable is left. */
    static Optional<String> clean(String submitted) {
        if (submitted == null) {
            return Optional.empty();
        }
        String name = Normalizer.normalize(submitted, Normalizer.Form.NFC);
        // browsers on Windows send C:\path\name; keep only the name
        name = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1).strip();
        if (name.isEmpty() || name.equals(".") || name.equals("..")
                || name.codePoints().anyMatch(c -> Character.isISOControl(c) || c == 0x2028 || c == 0x2029)) {
            return Optional.empty();
        }
        return Optional.of(name);
    }

    static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
