package zed.reconciler.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Small text files that another process reads while they change: a stamp, the warden's files. */
public final class TextFiles {
    private TextFiles() {
    }

    /**
     * Writes {@code text} (UTF-8) so that a reader sees the old file or the new one, never half of one: to a hidden
     * file beside it, renamed over it. Its directory is made if missing.
     */
    public static void replace(Path file, String text) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
