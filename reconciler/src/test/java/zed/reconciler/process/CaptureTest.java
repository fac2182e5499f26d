package zed.reconciler.process;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Reading an output back, whole or its tail, and never half a line or half a character when there is a choice. */
class CaptureTest {
    private static String tail(String written, int keepLast) throws Exception {
        try (Capture c = Capture.create()) {
            Files.write(c.file(), written.getBytes(StandardCharsets.UTF_8));
            return c.read(keepLast);
        }
    }

    @Test
    void withoutACapAllIsRead() throws Exception {
        assertEquals("a\nb\n", tail("a\nb\n", 0));
    }

    @Test
    void aCutStartsAfterTheFirstLineBreak() throws Exception {
        assertEquals("third\n", tail("first\nsecond\nthird\n", 9));
    }

    @Test
    void aSingleLongLineIsKeptFromAWholeCharacter() throws Exception {
        // "é" is two bytes: a cut between them would start with half of one
        assertEquals("éé\n", tail("ééé\n", 6));
        assertEquals("é\n", tail("ééé\n", 4));
    }

    @Test
    void theFileIsDeletedOnClose() throws Exception {
        Capture c = Capture.create();
        c.close();
        assertFalse(Files.exists(c.file()));
    }
}
