package dev.switchboard.attachment.files;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.tika.Tika;

/**
 * The vendor's extension whitelist, and for each extension the types content sniffing may find: a file is
 * accepted only when its name and its bytes agree, so an executable or an HTML page renamed {@code .png} or
 * {@code .txt} is refused.
 */
final class FileTypes {

    /** Enough of the file for every magic number Tika checks for these types. */
    static final int SNIFF_BYTES = 8192;

    private static final Set<String> OLE2 = Set.of("application/x-tika-msoffice");
    private static final Set<String> OOXML = Set.of("application/x-tika-ooxml", "application/zip");
    private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("jpg", Set.of("image/jpeg")),
            Map.entry("jpeg", Set.of("image/jpeg")),
            Map.entry("png", Set.of("image/png")),
            Map.entry("gif", Set.of("image/gif")),
            Map.entry("bmp", Set.of("image/bmp", "image/x-ms-bmp")),
            Map.entry("tif", Set.of("image/tiff")),
            Map.entry("tiff", Set.of("image/tiff")),
            Map.entry("pdf", Set.of("application/pdf")),
            Map.entry("txt", Set.of("text/plain")),
            Map.entry("hwp", union(OLE2, Set.of("application/x-hwp-v5", "application/x-hwp"))),
            Map.entry("doc", union(OLE2, Set.of("application/msword"))),
            Map.entry("xls", union(OLE2, Set.of("application/vnd.ms-excel"))),
            Map.entry("ppt", union(OLE2, Set.of("application/vnd.ms-powerpoint"))),
            Map.entry("docx", union(OOXML,
                    Set.of("application/vnd.openxmlformats-officedocument.wordprocessingml.document"))),
            Map.entry("xlsx", union(OOXML, Set.of("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
            Map.entry("pptx", union(OOXML,
                    Set.of("application/vnd.openxmlformats-officedocument.presentationml.presentation"))),
            Map.entry("mp3", Set.of("audio/mpeg")),
            Map.entry("wav", Set.of("audio/vnd.wave", "audio/x-wav", "audio/wav")),
            Map.entry("zip", Set.of("application/zip")));

    private static final Tika TIKA = new Tika();

    private FileTypes() {
    }

    static boolean allowedExtension(String name) {
        return ALLOWED.containsKey(FileNames.extension(name));
    }

    /** The sniffed type when the bytes match the name's extension; empty when they do not. */
    static Optional<String> sniff(byte[] prefix, String name) {
        String detected = TIKA.detect(prefix, name);
        Set<String> allowed = ALLOWED.getOrDefault(FileNames.extension(name), Set.of());
        return allowed.contains(detected) ? Optional.of(detected) : Optional.empty();
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        var all = new java.util.HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }
}
