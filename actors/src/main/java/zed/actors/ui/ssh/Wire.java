package zed.actors.ui.ssh;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * SSH's wire encoding (RFC 4251 section 5): {@code uint32}, {@code string} (a length, then its bytes) and {@code mpint},
 * as public keys and SSHSIG blobs hold them. Read: every read past the end is an {@link IllegalArgumentException}
 * naming what was read, never an index error.
 */
final class Wire {
    /** Longer than any key or signature field: a length beyond it is a broken blob, not one to allocate for. */
    private static final int MAX_FIELD = 1 << 16;

    private final ByteBuffer in;
    private final String what;

    Wire(byte[] bytes, String what) {
        this.in = ByteBuffer.wrap(bytes);
        this.what = what;
    }

    byte[] raw(int n, String field) {
        if (n < 0 || n > in.remaining()) throw new IllegalArgumentException(what + " ends inside its " + field);
        byte[] b = new byte[n];
        in.get(b);
        return b;
    }

    int uint32(String field) {
        try {
            return in.getInt();
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException(what + " ends inside its " + field);
        }
    }

    byte[] string(String field) {
        int n = uint32(field);
        if (n < 0 || n > MAX_FIELD) throw new IllegalArgumentException(what + " has a " + field + " of " + Integer.toUnsignedString(n) + " bytes");
        return raw(n, field);
    }

    String text(String field) {
        return new String(string(field), StandardCharsets.UTF_8);
    }

    BigInteger mpint(String field) {
        return new BigInteger(string(field));
    }

    void end() {
        if (in.hasRemaining()) throw new IllegalArgumentException(what + " has " + in.remaining() + " bytes after its last field");
    }

    /** Fields written in the same encoding, for the data a signature covers. */
    static final class Out {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Out raw(byte[] b) {
            out.writeBytes(b);
            return this;
        }

        Out string(byte[] b) {
            out.writeBytes(ByteBuffer.allocate(4).putInt(b.length).array());
            out.writeBytes(b);
            return this;
        }

        Out string(String s) {
            return string(s.getBytes(StandardCharsets.UTF_8));
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
