package zed.reconciler.stream;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A replication stream on its way to {@code zfs receive}, read record by record as zfs-fuse's receive reads it
 * (libzfs for the headers, the kernel's restore loop for the rest) and passed on only once checked: the properties its
 * package header would set ({@link StreamRules}), no byte-swapped, recursive, clone or unknown-feature stream, each
 * part the same dataset, every record of a known type and length. Where the two readers could disagree (a write
 * longer than the kernel reads at once), the stream is refused: a record hidden from this reader could be a header to
 * {@code zfs receive}.
 *
 * <p>{@link #open} reads and checks the header before anything is written, so that a refused stream changes nothing
 * (not even the old replica a full receive would destroy); {@link Header#forward} then passes it on.
 */
public final class SendStream {
    /** zfs-fuse's dmu_replay_record_t: a type, a payload length and the largest record (BEGIN), 312 bytes. */
    static final int RECORD = 312;
    static final long MAGIC = 0x2F5bacbacL;
    static final int BEGIN = 0, OBJECT = 1, FREEOBJECTS = 2, WRITE = 3, FREE = 4, END = 5;
    static final int SUBSTREAM = 1, COMPOUND = 2;
    /**
     * Features a stream may have: none. zfs-fuse knows only dedup (and dedup props), which Zed's sends never use; a
     * deduplicated write refers to data received before it, one more thing to trust a sender with.
     */
    static final long FEATURES = 0;
    static final int FLAG_CLONE = 1;
    /** A package header's list: a few kilobytes for a dataset with a few hundred snapshots. */
    static final int MAX_HEADER = 16 << 20;
    /** The kernel's restore buffer; zfs-fuse's blocks are at most 128 KiB. */
    static final long MAX_WRITE = 1 << 20;
    /** The kernel's largest bonus buffer (DN_MAX_BONUSLEN); a longer one is refused by it before it reads. */
    static final int MAX_BONUS = 320;

    private SendStream() {
    }

    /** A stream whose header has been read and checked, not yet passed on. */
    public static final class Header {
        private final InputStream in;
        private final byte[] read;
        private final String fs;
        private final boolean compound;
        /** One buffer for every record's data: a stream of gigabytes has tens of thousands of records. */
        private final byte[] buf = new byte[64 << 10];

        private Header(InputStream in, byte[] read, String fs, boolean compound) {
            this.in = in;
            this.read = read;
            this.fs = fs;
            this.compound = compound;
        }

        /** The dataset the sender sent (its name on the sender's host). */
        public String sentFrom() {
            return fs;
        }

        /**
         * Writes the header and then the rest of the stream, each record checked before it is written, up to the
         * stream's end; what follows the end (zfs receive would not read it) is read and dropped.
         *
         * @throws BadStream when a record is refused (what came before it was written)
         * @throws IOException when either side breaks
         */
        public void forward(OutputStream out) throws IOException {
            out.write(read);
            if (compound) {
                while (true) {
                    ByteBuffer r = record(in);
                    int type = r.getInt(0);
                    if (type == END) {
                        out.write(r.array());
                        break;
                    }
                    if (type != BEGIN) throw new BadStream("a record of type " + type + " where the package's next part or its end belongs");
                    Begin b = begin(r);
                    if (b.hdrtype != SUBSTREAM) throw new BadStream("a package inside a package");
                    if (!b.fs().equals(fs)) throw new BadStream("a part of the package for " + b.fs() + " in a package of " + fs);
                    out.write(r.array());
                    substream(in, out, buf);
                }
            } else {
                substream(in, out, buf);
            }
            out.flush();
            in.transferTo(OutputStream.nullOutputStream());
        }
    }

    /**
     * Reads the stream's first header (and a package's list and its end record) and checks it.
     *
     * @throws BadStream naming what is refused
     * @throws IOException when the stream breaks before its header ends
     */
    public static Header open(InputStream in, StreamRules rules) throws IOException {
        ByteBuffer r = record(in);
        if (r.getInt(0) != BEGIN) throw new BadStream("the stream does not start with a BEGIN record (type " + r.getInt(0) + ")");
        Begin b = begin(r);
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        read.write(r.array());
        if (b.hdrtype == SUBSTREAM) return new Header(in, read.toByteArray(), b.fs(), false);
        int length = r.getInt(4);
        if (length <= 0 || length > MAX_HEADER) throw new BadStream("the package's header list is " + Integer.toUnsignedString(length) + " bytes");
        byte[] packed = in.readNBytes(length);
        if (packed.length < length) throw new EOFException("the stream ended inside its header");
        package_(PackedNvlist.read(packed), rules);
        read.write(packed);
        ByteBuffer end = record(in);
        if (end.getInt(0) != END) throw new BadStream("the package's header is not followed by its END record");
        read.write(end.array());
        return new Header(in, read.toByteArray(), b.fs(), true);
    }

    private record Begin(int hdrtype, String name) {
        String fs() {
            return name.substring(0, name.indexOf('@'));
        }
    }

    private static Begin begin(ByteBuffer r) {
        long magic = r.getLong(8);
        if (magic == Long.reverseBytes(MAGIC)) throw new BadStream("the stream is in the other byte order (made on a host unlike this one); receive it on a host like its sender");
        if (magic != MAGIC) throw new BadStream("the stream has no zfs send magic number");
        long versioninfo = r.getLong(16);
        int hdrtype = (int) (versioninfo & 0x3);
        long features = (versioninfo >>> 2) & 0x3FFFFFFFL;
        if (hdrtype != SUBSTREAM && hdrtype != COMPOUND) throw new BadStream("the stream's header type is " + hdrtype);
        if (hdrtype == SUBSTREAM && r.getInt(4) != 0) throw new BadStream("a part of the stream with a header list of its own");
        if ((features & ~FEATURES) != 0) throw new BadStream("the stream has features 0x" + Long.toHexString(features) + " zfs-fuse does not know");
        if ((r.getInt(36) & FLAG_CLONE) != 0) throw new BadStream("the stream is of a clone, whose origin zfs receive would look up anywhere in the pool");
        int type = r.getInt(32);
        // a package's own header is of no dataset (type 0); each of its parts is
        if (hdrtype == SUBSTREAM && type != 2 && type != 3) throw new BadStream("the stream is of a dataset of type " + type + " (neither a filesystem nor a volume)");
        int nul = 0;
        while (nul < 256 && r.get(56 + nul) != 0) nul++;
        String name = new String(r.array(), 56, nul, StandardCharsets.UTF_8);
        if (nul == 256 || name.indexOf('@') <= 0) throw new BadStream("the stream's snapshot name is not one");
        return new Begin(hdrtype, name);
    }

    /** A package's list: not recursive, and every property it would set allowed. */
    private static void package_(List<PackedNvlist.Pair> top, StreamRules rules) {
        boolean notRecursive = top.stream().anyMatch(p -> p.name().equals("not_recursive") && p.type() == PackedNvlist.BOOLEAN);
        // a recursive package may rename and destroy datasets beside its target (libzfs's recv_incremental_replication)
        if (!notRecursive) throw new BadStream("the stream is a recursive package (zfs send -R), which may rename and destroy datasets beside its target");
        properties(top, rules);
    }

    /** Every list named props, and every list in one named snapprops, wherever it is: libzfs applies what it finds there. */
    private static void properties(List<PackedNvlist.Pair> list, StreamRules rules) {
        for (PackedNvlist.Pair p : list) {
            if (p.type() != PackedNvlist.NVLIST) continue;
            if (p.name().equals("props")) for (PackedNvlist.Pair prop : p.list()) rules.check(prop.name(), prop.value());
            else if (p.name().equals("snapprops")) {
                for (PackedNvlist.Pair snap : p.list()) {
                    if (snap.type() != PackedNvlist.NVLIST) continue;
                    for (PackedNvlist.Pair prop : snap.list()) rules.check(prop.name(), prop.value());
                }
            }
            properties(p.list(), rules);
        }
    }

    /** A part's records after its BEGIN, up to and with its END, as the kernel's restore loop reads them. */
    private static void substream(InputStream in, OutputStream out, byte[] buf) throws IOException {
        while (true) {
            ByteBuffer r = record(in);
            int type = r.getInt(0);
            long payload = switch (type) {
                case OBJECT -> {
                    int bonus = r.getInt(28);
                    if (bonus < 0 || bonus > MAX_BONUS) throw new BadStream("an object record with a bonus of " + Integer.toUnsignedString(bonus) + " bytes");
                    yield (bonus + 7) & ~7;
                }
                case WRITE -> {
                    long length = r.getLong(32);
                    if (length < 0 || length > MAX_WRITE || length % 8 != 0) throw new BadStream("a write record of " + Long.toUnsignedString(length) + " bytes");
                    yield length;
                }
                case FREEOBJECTS, FREE, END -> 0L;
                case BEGIN -> throw new BadStream("a BEGIN record inside a part of the stream");
                default -> throw new BadStream("a record of unknown type " + type);
            };
            out.write(r.array());
            copy(in, out, payload, buf);
            if (type == END) return;
        }
    }

    private static ByteBuffer record(InputStream in) throws IOException {
        byte[] b = in.readNBytes(RECORD);
        if (b.length < RECORD) throw new EOFException("the stream ended inside a record");
        // in the sender's byte order: a stream in the other one is refused at its magic number
        return ByteBuffer.wrap(b).order(ByteOrder.nativeOrder());
    }

    private static void copy(InputStream in, OutputStream out, long n, byte[] buf) throws IOException {
        while (n > 0) {
            int got = in.read(buf, 0, (int) Math.min(n, buf.length));
            if (got < 0) throw new EOFException("the stream ended inside a record's data");
            out.write(buf, 0, got);
            n -= got;
        }
    }
}
