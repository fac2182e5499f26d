package zed.reconciler.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * The ops protocol's framing: a 4-byte big-endian length, then that many bytes of one JSON object. A request is at
 * most {@link #MAX_REQUEST} bytes (ops refuses a larger one before reading it); an answer (a whole tree's
 * observation) may be larger, up to {@link #MAX_ANSWER}.
 */
public final class Frames {
    public static final int MAX_REQUEST = 1 << 20;
    public static final int MAX_ANSWER = 64 << 20;
    static final ObjectMapper JSON = new ObjectMapper();

    private Frames() {
    }

    /** A frame longer than the reader's maximum; nothing of its body was read. */
    public static final class TooLarge extends IOException {
        public final long length;

        TooLarge(long length, int max) {
            super("a frame of " + length + " bytes exceeds the maximum of " + max);
            this.length = length;
        }
    }

    public static void write(SocketChannel ch, ObjectNode message) throws IOException {
        byte[] body = JSON.writeValueAsBytes(message);
        ByteBuffer b = ByteBuffer.allocate(4 + body.length);
        b.putInt(body.length).put(body).flip();
        while (b.hasRemaining()) ch.write(b);
    }

    /** @return the next frame, or null at a clean end of stream before a frame began */
    public static ObjectNode read(SocketChannel ch, int max) throws IOException {
        ByteBuffer len = ByteBuffer.allocate(4);
        if (!fill(ch, len, true)) return null;
        long n = Integer.toUnsignedLong(len.flip().getInt());
        if (n > max) throw new TooLarge(n, max);
        ByteBuffer body = ByteBuffer.allocate((int) n);
        fill(ch, body, false);
        var node = JSON.readTree(body.array());
        if (node == null || !node.isObject()) throw new IOException("a frame holds one JSON object");
        return (ObjectNode) node;
    }

    private static boolean fill(SocketChannel ch, ByteBuffer b, boolean endAllowed) throws IOException {
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                if (endAllowed && b.position() == 0) return false;
                throw new EOFException("the stream ended inside a frame");
            }
        }
        return true;
    }
}
