package zed.reconciler.process;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One output of a command, written to a temporary file (mode 0600) and read back once the command has ended. A file
 * rather than a pipe: a background child that the command leaves behind would hold a pipe open and keep its reader
 * waiting, and a pipe needs a thread to drain it while the command runs; a file needs neither.
 */
public record Capture(Path file) implements AutoCloseable {
    public static Capture create() throws IOException {
        return new Capture(Files.createTempFile("zed-output-", ".txt"));
    }

    /**
     * What the command wrote: all of it, or with {@code keepLast > 0} at most its last {@code keepLast} bytes, read
     * from the end of the file whatever its size. A cut falls mid-line and maybe mid-character, so a cut text starts
     * after its first line break (or, when no text follows one, at its first whole character).
     */
    public String read(int keepLast) throws IOException {
        try (FileChannel ch = FileChannel.open(file)) {
            long size = ch.size();
            long from = keepLast > 0 ? Math.max(0, size - keepLast) : 0;
            if (size - from > Integer.MAX_VALUE - 8) throw new IOException(file + " is too large to read back (" + size + " bytes)");
            ByteBuffer buf = ByteBuffer.allocate((int) (size - from));
            while (buf.hasRemaining() && ch.read(buf, from + buf.position()) > 0) {
                // until full: a read may return fewer bytes than asked
            }
            byte[] bytes = buf.array();
            int start = from > 0 ? wholeStart(bytes, buf.position()) : 0;
            return new String(bytes, start, buf.position() - start, StandardCharsets.UTF_8);
        }
    }

    private static int wholeStart(byte[] bytes, int length) {
        int text = length;
        while (text > 0 && (bytes[text - 1] == '\n' || bytes[text - 1] == '\r')) text--;
        for (int i = 0; i < text; i++) if (bytes[i] == '\n') return i + 1;
        int i = 0;
        while (i < length && (bytes[i] & 0xC0) == 0x80) i++; // UTF-8 continuation bytes: the rest of a cut character
        return i;
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a temporary file left behind is harmless; what the command did matters more
        }
    }
}
