package zed.reconciler.stream;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Streams made by hand as zfs-fuse lays them out: records, package header lists (XDR), to feed {@link SendStream}. */
final class Streams {
    private Streams() {
    }

    /** A name-value list in libnvpair's XDR encoding, built pair by pair. */
    static final class Nv {
        private final ByteArrayOutputStream pairs = new ByteArrayOutputStream();
        /** The size each pair states; a test sets it wrong to see it refused. */
        int lie = 0;

        Nv bool(String name) {
            return pair(name, PackedNvlist.BOOLEAN, 0, new byte[0]);
        }

        Nv u64(String name, long v) {
            return pair(name, PackedNvlist.UINT64, 1, ByteBuffer.allocate(8).putLong(v).array());
        }

        Nv string(String name, String v) {
            return pair(name, PackedNvlist.STRING, 1, xdrString(v.getBytes(StandardCharsets.UTF_8)));
        }

        Nv list(String name, Nv inner) {
            return pair(name, PackedNvlist.NVLIST, 1, inner.body());
        }

        Nv pair(String name, int type, int elements, byte[] value) {
            return rawPair(name.getBytes(StandardCharsets.UTF_8), type, elements, value);
        }

        Nv rawPair(byte[] name, int type, int elements, byte[] value) {
            byte[] n = xdrString(name);
            int size = 8 + n.length + 8 + value.length;
            ByteBuffer b = ByteBuffer.allocate(size);
            b.putInt(size + lie).putInt(64).put(n).putInt(type).putInt(elements).put(value);
            pairs.writeBytes(b.array());
            return this;
        }

        /** version, flags, pairs, the two zeros that end a list */
        byte[] body() {
            ByteBuffer b = ByteBuffer.allocate(8 + pairs.size() + 8);
            b.putInt(0).putInt(1).put(pairs.toByteArray()).putInt(0).putInt(0);
            return b.array();
        }

        /** The packed list: the 4-byte header (XDR, little-endian host) and the body. */
        byte[] packed() {
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            o.writeBytes(new byte[]{1, 1, 0, 0});
            o.writeBytes(body());
            return o.toByteArray();
        }
    }

    static byte[] xdrString(byte[] s) {
        ByteBuffer b = ByteBuffer.allocate(4 + s.length + (4 - s.length % 4) % 4);
        b.putInt(s.length).put(s);
        return b.array();
    }

    static ByteBuffer record(int type, int payload) {
        ByteBuffer b = ByteBuffer.allocate(SendStream.RECORD).order(ByteOrder.nativeOrder());
        b.putInt(0, type).putInt(4, payload);
        return b;
    }

    /** A BEGIN record: header type 1 (a part) or 2 (a package), features, flags, objset type 2 (a filesystem). */
    static ByteBuffer begin(int hdrtype, long features, int payload, int flags, String toname) {
        ByteBuffer b = record(SendStream.BEGIN, payload);
        b.putLong(8, SendStream.MAGIC).putLong(16, hdrtype | (features << 2)).putInt(32, 2).putInt(36, flags);
        byte[] n = toname.getBytes(StandardCharsets.UTF_8);
        b.put(56, n);
        return b;
    }

    static ByteBuffer end() {
        return record(SendStream.END, 0);
    }

    static ByteBuffer object(int bonus) {
        return record(SendStream.OBJECT, 0).putInt(28, bonus);
    }

    static ByteBuffer write(long length) {
        return record(SendStream.WRITE, 0).putLong(32, length);
    }

    /** Concatenates records and payloads. */
    static byte[] of(Object... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (Object p : parts) {
            if (p instanceof ByteBuffer b) o.writeBytes(b.array());
            else o.writeBytes((byte[]) p);
        }
        return o.toByteArray();
    }

    /** A plain stream of one part: an object with a bonus, a write of 16 bytes, the end. */
    static byte[] plain(String toname) {
        return of(begin(SendStream.SUBSTREAM, 0, 0, 0, toname), object(12), new byte[16], write(16), new byte[16], end());
    }

    /** A package (zfs send -p) whose list holds these props for its one filesystem, then one part and the double end. */
    static byte[] packageOf(Nv props) {
        byte[] list = new Nv().string("fromsnap", "").string("tosnap", "s1").bool("not_recursive")
                .list("fss", new Nv().list("0x1", new Nv().string("name", "p/web").u64("parentfromsnap", 0).list("props", props)
                        .list("snaps", new Nv().u64("s1", 1)).list("snapprops", new Nv().list("s1", new Nv())))).packed();
        return packageWith(list);
    }

    static byte[] packageWith(byte[] list) {
        return of(begin(SendStream.COMPOUND, 0, list.length, 0, "p/web@s1"), list, end(), plain("p/web@s1"), end());
    }
}
