package zed.reconciler.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TextFilesTest {
    @Test
    void replacesTheFileWholeInADirectoryItMakesAndLeavesNothingBeside(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("warden/stood-down");
        TextFiles.replace(file, "first\n");
        assertEquals("first\n", Files.readString(file));
        TextFiles.replace(file, "second, ünïcode\n");
        assertEquals("second, ünïcode\n", Files.readString(file));
        try (Stream<Path> s = Files.list(file.getParent())) {
            assertEquals(List.of(file), s.toList(), "no temporary file left");
        }
    }
}
