package zed.reconciler.secret;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import zed.reconciler.gpu.PoolFacts;
import zed.reconciler.store.Store;
import zed.reconciler.store.StoreError;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The host's secrets: the dataset {@code <pool>/zed/secrets} (the dir store's {@code zed/secrets}), one age file per
 * slot encrypted to the host key, and each slot's {@link SlotRecord} in the dataset's properties. A snapshot or a
 * {@code zfs send} of it carries ciphertext and HMACs only.
 * <p>
 * A value is written before its record: a write cut between the two shows as {@code drift} in {@link #verify}, never
 * as a record of a value that is not there. Messages name slots, never values.
 */
public final class SecretStore {
    /** Far beyond any password, key or certificate; a bigger file is a mistake, not a secret. */
    public static final int MAX_BYTES = 1 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Store store;
    private final String dataset;
    private final HostKey key;
    private final Clock clock;

    public SecretStore(Store store, String pool, HostKey key, Clock clock) {
        this.store = store;
        this.dataset = dataset(pool);
        this.key = key;
        this.clock = clock;
    }

    /** {@code <pool>/zed/secrets}; the dir store's (pool null or "") {@code zed/secrets}. */
    public static String dataset(String pool) {
        return PoolFacts.dataset(pool) + "/secrets";
    }

    /** Makes {@code <pool>/zed} and {@code <pool>/zed/secrets} where missing; true when it made the latter. */
    public static boolean init(Store store, String pool) {
        String zed = PoolFacts.dataset(pool);
        String ds = dataset(pool);
        for (String d : List.of(zed, ds)) {
            if (store.exists(d)) continue;
            try {
                store.create(d, Map.of());
            } catch (StoreError e) {
                if (!store.exists(d)) throw e; // else another writer made it first
            }
            if (d.equals(ds)) return true;
        }
        return false;
    }

    public String dataset() {
        return dataset;
    }

    /** A value (plain, or one field of a slot of fields) in a slot. */
    public void set(Slot slot, String field, byte[] value) {
        if (value.length > MAX_BYTES) throw new IllegalStateException("the value for slot \"" + slot + "\" is over " + MAX_BYTES + " bytes");
        byte[] plaintext = value;
        if (field != null) plaintext = withField(slot, field, value);
        write(slot, key.encrypt(plaintext), plaintext);
    }

    /**
     * Rotates a slot that is set: a snapshot of the store ({@code rotate-<slot>-<n>-before}), the current file kept as
     * {@code archive/<slot>.<n-1>.age} (still to the host key, so {@code age -d -i} opens it), the new value (the whole
     * slot, or one field of it), its record ({@code rotated_at}, {@code rotation_count} n), and a snapshot after. A cut
     * between the value and its record shows as {@code drift} in {@link #verify}, as for {@link #set}.
     *
     * @throws IllegalStateException when the slot is not set, or the new value is the one it holds; nothing is changed then
     */
    public Rotation rotate(Slot slot, String field, byte[] value) {
        if (value.length > MAX_BYTES) throw new IllegalStateException("the value for slot \"" + slot + "\" is over " + MAX_BYTES + " bytes");
        Path current = file(slot);
        if (!Files.exists(current, LinkOption.NOFOLLOW_LINKS)) throw new IllegalStateException("secret slot \"" + slot + "\" is not set, so there is nothing to rotate (zed secrets set " + slot + ")");
        byte[] plaintext = field == null ? value : withField(slot, field, value);
        SlotRecord before = record(slot);
        String fingerprint = key.fingerprint(slot, plaintext);
        if (fingerprint.equals(key.fingerprint(slot, value(slot)))) {
            throw new IllegalStateException("the new value of slot \"" + slot + "\" is the one it holds; nothing was changed");
        }
        int n = before.rotationCount() + 1;
        String snapBefore = "rotate-" + slot + "-" + n + "-before";
        store.snapshot(List.of(dataset), snapBefore, Map.of());
        Path archived = archive(slot, n - 1);
        writeFile(slot, key.encrypt(plaintext));
        save(before.rotated(fingerprint, clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString()));
        String snapAfter = "rotate-" + slot + "-" + n + "-after";
        store.snapshot(List.of(dataset), snapAfter, Map.of());
        return new Rotation(slot, n, archived, dataset + "@" + snapBefore, dataset + "@" + snapAfter);
    }

    /**
     * What a rotation did.
     *
     * @param count    the slot's rotations now
     * @param archived the previous value's file, in the store's {@code archive/}
     */
    public record Rotation(Slot slot, int count, Path archived, String before, String after) {
    }

    /** The store's directory of earlier values: inside the dataset, so its snapshots and streams carry them, encrypted. */
    public static final String ARCHIVE = "archive";

    /** Copies the slot's file to {@code archive/<slot>.<version>.age}, mode 0600, the directory 0700. */
    private Path archive(Slot slot, int version) {
        Path dir = directory().resolve(ARCHIVE);
        Path to = dir.resolve(slot.name() + "." + version + ".age");
        try {
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            writePrivate(to, Files.readAllBytes(file(slot)));
        } catch (IOException e) {
            throw new IllegalStateException("cannot archive slot \"" + slot + "\" in " + dir + ": " + e.getClass().getSimpleName() + "; nothing was changed but the snapshot before");
        }
        return to;
    }

    /** An age file written elsewhere ({@code age -r $(zed secrets export-pubkey)}), kept as it is once it opens with the host key. */
    public void importAge(Slot slot, byte[] ageFile) {
        if (ageFile.length > MAX_BYTES + 4096) throw new IllegalStateException("the file for slot \"" + slot + "\" is over " + MAX_BYTES + " bytes");
        byte[] plaintext;
        try {
            plaintext = key.decrypt(ageFile);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the file for slot \"" + slot + "\" is " + e.getMessage() + ": encrypt it with age -r $(zed secrets export-pubkey)");
        }
        write(slot, ageFile, plaintext);
    }

    private byte[] withField(Slot slot, String field, byte[] value) {
        if (field.isEmpty() || field.length() > 128) throw new IllegalStateException("a field name has 1 to 128 characters");
        ObjectNode fields = JSON.createObjectNode();
        if (Files.exists(file(slot), LinkOption.NOFOLLOW_LINKS)) {
            JsonNode old = fieldsOf(slot, value(slot));
            if (old == null) throw new IllegalStateException("slot \"" + slot + "\" holds one value, not fields: set it without --field, or use another slot");
            fields = (ObjectNode) old;
        }
        fields.put(field, utf8(slot, stripNewline(value)));
        try {
            return JSON.writeValueAsBytes(fields);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode the fields of slot \"" + slot + "\"");
        }
    }

    private void write(Slot slot, byte[] ageFile, byte[] plaintext) {
        writeFile(slot, ageFile);
        save(record(slot).withValue(key.fingerprint(slot, plaintext), clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString()));
    }

    private void writeFile(Slot slot, byte[] ageFile) {
        Path dir = directory();
        Path f = file(slot);
        try {
            writePrivate(f, ageFile);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write slot \"" + slot + "\" in " + dir + ": " + e.getClass().getSimpleName());
        }
    }

    /** Mode 0600 from its first byte, written beside {@code to} and renamed over it: a reader sees the old file or the new. */
    private static void writePrivate(Path to, byte[] bytes) throws IOException {
        Path tmp = to.resolveSibling("." + to.getFileName() + ".new");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(tmp, bytes);
        Files.move(tmp, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The slot's plaintext as stored. @throws NotSet when it has no file */
    public byte[] value(Slot slot) {
        byte[] file;
        try {
            file = Files.readAllBytes(file(slot));
        } catch (NoSuchFileException e) {
            throw new NotSet(slot);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read slot \"" + slot + "\": " + e.getClass().getSimpleName());
        }
        try {
            return key.decrypt(file);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("slot \"" + slot + "\": " + e.getMessage());
        }
    }

    /**
     * What a process gets: the value without one trailing newline ({@code echo pw | zed secrets set db} means "pw"),
     * or one field of a slot of fields.
     */
    public String text(Slot slot, String field) {
        byte[] v = value(slot);
        if (field == null) return utf8(slot, stripNewline(v));
        JsonNode fields = fieldsOf(slot, v);
        if (fields == null) throw new IllegalStateException("secret slot \"" + slot + "\" holds one value, not fields, so it has no field \"" + field + "\"");
        JsonNode n = fields.get(field);
        if (n == null) throw new IllegalStateException("secret slot \"" + slot + "\" has no field \"" + field + "\"");
        return n.isTextual() ? n.asText() : n.toString();
    }

    /**
     * What a digest may see of {@code secret(slot, field)}: the HMAC of its text under the host key's fingerprint key,
     * the field bound in. A digest that is published (a service's {@code com.zed:service.spec-hash}) then changes
     * with the value without letting anyone who reads it test guesses of a weak one.
     */
    public String stamp(Slot slot, String field) {
        String text = text(slot, field);
        return key.fingerprint(slot, ((field == null ? "" : field) + "\0" + text).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Records that {@code service} reads the slot (written only when new), so that verify lists a slot asked for but never set. */
    public void consumer(Slot slot, String service) {
        directory(); // says "run zed secrets init" where there is no store, rather than a ZFS error
        SlotRecord r = record(slot);
        if (r.consumers().contains(service)) return;
        save(r.withConsumer(service));
    }

    public SlotRecord record(Slot slot) {
        SlotRecord r = SlotRecord.of(slot, store.zedState(dataset));
        return r == null ? SlotRecord.none(slot) : r;
    }

    /** Each slot the store knows of (by its record or its file), with its record and verdict, by name. */
    public List<Checked> verify() {
        Map<String, String> props = store.zedState(dataset);
        TreeMap<String, Slot> slots = new TreeMap<>();
        for (Slot s : SlotRecord.slots(props)) slots.put(s.name(), s);
        try (Stream<Path> files = Files.list(directory())) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".age"))
                    .map(n -> n.substring(0, n.length() - ".age".length())).filter(Slot::valid).forEach(n -> slots.put(n, new Slot(n)));
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + directory() + ": " + e.getClass().getSimpleName());
        }
        List<Checked> out = new ArrayList<>();
        for (Slot s : slots.values()) {
            SlotRecord r = SlotRecord.of(s, props);
            boolean present = Files.exists(file(s), LinkOption.NOFOLLOW_LINKS);
            String fp = null;
            if (present) {
                try {
                    fp = key.fingerprint(s, value(s));
                } catch (IllegalStateException unreadable) {
                    // drift: the file does not open with this host's key
                }
            }
            out.add(new Checked(s, r == null ? SlotRecord.none(s) : r, Verdict.of(r, present, fp)));
        }
        return out;
    }

    public record Checked(Slot slot, SlotRecord record, Verdict verdict) {
    }

    /** A slot without a file: the message names the slot, and there is no value to leak. */
    public static final class NotSet extends IllegalStateException {
        public NotSet(Slot slot) {
            super("secret slot \"" + slot + "\" is not set (zed secrets set " + slot + ")");
        }
    }

    /** Writes what changed of the record only: a property write is a ZFS transaction. */
    private void save(SlotRecord r) {
        Map<String, String> old = store.zedState(dataset);
        Map<String, String> changed = new java.util.LinkedHashMap<>();
        r.properties().forEach((k, v) -> {
            if (!v.equals(old.get(k))) changed.put(k, v);
        });
        if (!changed.isEmpty()) store.set(dataset, changed);
    }

    private Path directory() {
        if (!store.exists(dataset)) throw new IllegalStateException("there is no secrets store " + dataset + ": run zed secrets init");
        return store.mountpoint(dataset);
    }

    private Path file(Slot slot) {
        return directory().resolve(slot.fileName());
    }

    /** A slot of fields is a JSON object; anything else (null here) is one value. */
    private static JsonNode fieldsOf(Slot slot, byte[] plaintext) {
        if (plaintext.length == 0 || plaintext[0] != '{') return null;
        try {
            JsonNode n = JSON.readTree(plaintext);
            return n != null && n.isObject() ? n : null;
        } catch (IOException e) {
            return null;
        }
    }

    static byte[] stripNewline(byte[] v) {
        int n = v.length;
        if (n > 0 && v[n - 1] == '\n') n--;
        if (n > 0 && n < v.length && v[n - 1] == '\r') n--;
        return n == v.length ? v : java.util.Arrays.copyOf(v, n);
    }

    private static String utf8(Slot slot, byte[] v) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(v)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalStateException("secret slot \"" + slot + "\" is not UTF-8 text");
        }
    }
}
