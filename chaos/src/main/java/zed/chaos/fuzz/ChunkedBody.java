package zed.chaos.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;

/**
 * A chunked body whose placeholders are filled chunk by chunk, each chunk's size written again for what it holds now.
 * Filled as plain bytes, a chunk that held {@code __DIR__} grew by the directory's length past its declared size, and
 * a request meant to be well framed went out malformed: fuzz regression 038 was that, reset now and then under load.
 */
final class ChunkedBody {
    private ChunkedBody() {
    }

    /** The body refilled, or null when it is not well framed as chunks (a malformed mutation: filled as plain bytes). */
    static byte[] fill(byte[] body, UnaryOperator<byte[]> fill) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 64);
        int i = 0;
        while (true) {
            int eol = crlf(body, i);
            if (eol < 0) return null;
            String line = new String(body, i, eol - i, StandardCharsets.US_ASCII);
            int semi = line.indexOf(';');
            int size;
            try {
                size = Integer.parseInt(semi < 0 ? line : line.substring(0, semi), 16);
            } catch (NumberFormatException e) {
                return null;
            }
            String ext = semi < 0 ? "" : line.substring(semi);
            int data = eol + 2;
            if (size == 0) {
                out.writeBytes(line.getBytes(StandardCharsets.US_ASCII));
                out.write(body, eol, body.length - eol);
                return out.toByteArray();
            }
            if (data + size + 2 > body.length || body[data + size] != '\r' || body[data + size + 1] != '\n') return null;
            byte[] chunk = fill.apply(java.util.Arrays.copyOfRange(body, data, data + size));
            out.writeBytes((Integer.toHexString(chunk.length) + ext + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(chunk);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            i = data + size + 2;
        }
    }

    private static int crlf(byte[] b, int from) {
        for (int i = from; i + 1 < b.length; i++) if (b[i] == '\r' && b[i + 1] == '\n') return i;
        return -1;
    }
}
