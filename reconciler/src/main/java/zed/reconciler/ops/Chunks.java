package zed.reconciler.ops;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * A replication stream on an ops connection, between a request's frames: chunks of a 4-byte big-endian length and
 * that many raw bytes, at most {@link #MAX} each, ended by a chunk of length 0. A connection that ends before the end
 * marker is a cut stream (the other side went away), never a complete one: the receiving zfs sees its input break.
 */
final class Chunks {
    static final int MAX = 1 << 20;

    private Chunks() {
    }

    /** Reads one stream's chunks as bytes; -1 after the end marker. Reads no byte past it, so a frame can follow. */
    static final class In extends InputStream {
        private final SocketChannel ch;
        private int left;
        private boolean ended;

        In(SocketChannel ch) {
            this.ch = ch;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) return 0;
            while (left == 0) {
                if (ended) return -1;
                ByteBuffer n = ByteBuffer.allocate(4);
                fill(n);
                int length = n.flip().getInt();
                if (length < 0 || length > MAX) throw new IOException("a stream chunk of " + Integer.toUnsignedLong(length) + " bytes exceeds the maximum of " + MAX);
                if (length == 0) ended = true;
                left = length;
            }
            int got = ch.read(ByteBuffer.wrap(b, off, Math.min(len, left)));
            if (got < 0) throw new EOFException("the stream was cut before its end: the other side went away");
            left -= got;
            return got;
        }

        /** Reads to the end marker, so that what follows (a frame) can be read. */
        void drain() throws IOException {
            byte[] skip = new byte[64 << 10];
            while (read(skip, 0, skip.length) >= 0) {
                // discarded: the receive that wanted them has failed
            }
        }

        private void fill(ByteBuffer b) throws IOException {
            while (b.hasRemaining()) if (ch.read(b) < 0) throw new EOFException("the stream was cut before its end: the other side went away");
        }

        @Override
        public void close() {
            // the connection is its owner's to close
        }
    }

    /** Writes bytes as chunks; {@link #close()} writes the end marker (the connection stays open for the answer). */
    static final class Out extends OutputStream {
        private final SocketChannel ch;

        Out(SocketChannel ch) {
            this.ch = ch;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[]{(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                int n = Math.min(len, MAX);
                ByteBuffer[] parts = {ByteBuffer.allocate(4).putInt(n).flip(), ByteBuffer.wrap(b, off, n)};
                while (parts[1].hasRemaining()) ch.write(parts);
                off += n;
                len -= n;
            }
        }

        @Override
        public void close() throws IOException {
            ByteBuffer end = ByteBuffer.allocate(4).putInt(0).flip();
            while (end.hasRemaining()) ch.write(end);
        }
    }
}
