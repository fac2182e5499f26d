package zed.reconciler.stream;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A packed name-value list as {@code zfs send} writes one in a stream package's header (libnvpair's XDR encoding),
 * read the way libnvpair reads it: a pair's end is where its value ends, and a list ends at a pair whose decoded size
 * is zero. Read only to check what a received stream would set; anything this reader would read differently from
 * libnvpair is refused rather than guessed: another encoding, a type a stream header never holds, a string with a
 * NUL (which C would cut short), a pair whose stated size is not what it holds. No library reads this format in Java.
 */
public final class PackedNvlist {
    /** libnvpair's data types that a send stream's header holds. */
    static final int BOOLEAN = 1, INT32 = 5, UINT32 = 6, INT64 = 7, UINT64 = 8, STRING = 9, HRTIME = 18, NVLIST = 19, BOOLEAN_VALUE = 21;
    private static final int XDR = 1;
    /** How deep lists may nest: a stream header holds four levels (fss, a filesystem, snapprops, a snapshot). */
    private static final int DEPTH = 8;

    /** One pair: a name and a Long, a String, Boolean.TRUE (a flag), an Integer or a nested list. */
    public record Pair(String name, int type, Object value) {
        @SuppressWarnings("unchecked")
        public List<Pair> list() {
            return (List<Pair>) value;
        }
    }

    private final ByteBuffer in;

    private PackedNvlist(byte[] packed) {
        this.in = ByteBuffer.wrap(packed).order(ByteOrder.BIG_ENDIAN);
    }

    /** @throws BadStream naming what could not be read */
    public static List<Pair> read(byte[] packed) {
        if (packed.length < 4) throw new BadStream("the stream's header list is " + packed.length + " bytes");
        if (packed[0] != XDR) throw new BadStream("the stream's header list is not in XDR encoding (encoding " + packed[0] + ")");
        PackedNvlist r = new PackedNvlist(packed);
        r.in.position(4);
        try {
            List<Pair> top = r.list(0);
            if (r.in.hasRemaining()) throw new BadStream("the stream's header list has " + r.in.remaining() + " bytes after its end");
            return top;
        } catch (java.nio.BufferUnderflowException e) {
            throw new BadStream("the stream's header list ends inside a pair");
        }
    }

    private List<Pair> list(int depth) {
        if (depth > DEPTH) throw new BadStream("the stream's header list nests deeper than " + DEPTH);
        in.getInt(); // version
        in.getInt(); // flags: unique names or not, every pair is checked either way
        List<Pair> pairs = new ArrayList<>();
        while (true) {
            int start = in.position();
            int encoded = in.getInt();
            int decoded = in.getInt();
            if (decoded == 0) {
                if (encoded != 0) throw new BadStream("a list in the stream's header ends with a stated size of " + encoded);
                return pairs;
            }
            String name = string();
            int type = in.getInt();
            int elements = in.getInt();
            Object value = switch (type) {
                case BOOLEAN -> {
                    count(name, elements, 0);
                    yield Boolean.TRUE;
                }
                case INT32, UINT32, BOOLEAN_VALUE -> {
                    count(name, elements, 1);
                    yield in.getInt();
                }
                case INT64, UINT64, HRTIME -> {
                    count(name, elements, 1);
                    yield in.getLong();
                }
                case STRING -> {
                    count(name, elements, 1);
                    yield string();
                }
                case NVLIST -> {
                    count(name, elements, 1);
                    yield list(depth + 1);
                }
                default -> throw new BadStream("the pair \"" + name + "\" in the stream's header is of type " + type + ", which no zfs send header holds");
            };
            if (in.position() - start != encoded) {
                throw new BadStream("the pair \"" + name + "\" in the stream's header states " + encoded + " bytes and holds " + (in.position() - start));
            }
            pairs.add(new Pair(name, type, value));
        }
    }

    private static void count(String name, int elements, int expected) {
        if (elements != expected) throw new BadStream("the pair \"" + name + "\" in the stream's header has " + elements + " elements");
    }

    /** An XDR string: its length, its bytes, zeros to a multiple of four. */
    private String string() {
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) throw new BadStream("a string in the stream's header runs past its end");
        byte[] b = new byte[length];
        in.get(b);
        in.position(in.position() + ((4 - length % 4) % 4));
        for (byte x : b) if (x == 0) throw new BadStream("a string in the stream's header holds a NUL");
        return new String(b, StandardCharsets.UTF_8);
    }
}
