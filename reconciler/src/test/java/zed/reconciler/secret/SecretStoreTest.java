package zed.reconciler.secret;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.config.LevelSpec;
import zed.config.Value;
import zed.reconciler.process.RenderedFiles;
import zed.reconciler.store.DirStore;
import zed.reconciler.store.Store;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The store on the dir store (no ZFS needed); {@link SecretStoreZfsTest} runs the same on a zfs-fuse pool. */
class SecretStoreTest {
    static final String VALUE = "canary-7f3a9c";

    @TempDir
    Path tmp;
    Store store;
    HostKey key;
    SecretStore secrets;

    String pool() {
        return null;
    }

    Store store() {
        return new DirStore(tmp.resolve("store"));
    }

    @BeforeEach
    void setUp() {
        store = store();
        key = KeyFile.create(tmp.resolve("keys/secrets.key"));
        assertTrue(SecretStore.init(store, pool()));
        assertFalse(SecretStore.init(store, pool()), "a second init changes nothing");
        secrets = new SecretStore(store, pool(), key, Clock.fixed(Instant.parse("2026-12-05T12:00:00Z"), ZoneOffset.UTC));
    }

    Path dir() {
        return store.mountpoint(secrets.dataset());
    }

    /** A file of the secrets dataset as a snapshot of it holds it: the dir store's copy. */
    byte[] fileIn(String snapshot, String file) throws Exception {
        return Files.readAllBytes(tmp.resolve("store/.zed-snapshots").resolve(secrets.dataset().replace("/", "%2F")).resolve(snapshot).resolve("data").resolve(file));
    }

    @Test
    void aValueIsStoredEncryptedAndRecordedByItsFingerprint() throws Exception {
        Slot db = new Slot("db");
        secrets.set(db, null, (VALUE + "\n").getBytes(StandardCharsets.UTF_8));
        byte[] file = Files.readAllBytes(dir().resolve("db.age"));
        assertFalse(new String(file, StandardCharsets.ISO_8859_1).contains(VALUE));
        assertEquals(VALUE, secrets.text(db, null), "without the newline echo adds");
        assertEquals(VALUE, new StoredSecrets(secrets).resolve(new Value.SecretRef("db", null)));
        Map<String, String> props = store.zedState(secrets.dataset());
        assertEquals(key.fingerprint(db, (VALUE + "\n").getBytes(StandardCharsets.UTF_8)), props.get("com.zed:secret.db.fingerprint"));
        assertEquals("2026-12-05T12:00:00Z", props.get("com.zed:secret.db.created_at"));
        assertEquals("0", props.get("com.zed:secret.db.rotation_count"));
        assertNull(props.get("com.zed:secret.db.rotated_at"));
        assertTrue(props.values().stream().noneMatch(v -> v.contains(VALUE)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir().resolve("db.age"))));
        assertEquals("r--------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("keys/secrets.key"))));
    }

    @Test
    void aRotationArchivesTheOldValueSnapshotsAroundItAndCountsIt() throws Exception {
        Slot db = new Slot("db");
        IllegalStateException unset = assertThrows(IllegalStateException.class, () -> secrets.rotate(db, null, "x".getBytes(StandardCharsets.UTF_8)));
        assertEquals("secret slot \"db\" is not set, so there is nothing to rotate (zed secrets set db)", unset.getMessage());
        secrets.set(db, null, (VALUE + "\n").getBytes(StandardCharsets.UTF_8));
        String first = secrets.record(db).fingerprint();
        IllegalStateException same = assertThrows(IllegalStateException.class, () -> secrets.rotate(db, null, (VALUE + "\n").getBytes(StandardCharsets.UTF_8)));
        assertEquals("the new value of slot \"db\" is the one it holds; nothing was changed", same.getMessage());
        assertTrue(store.snapshots(secrets.dataset()).isEmpty(), "a refused rotation takes no snapshot");

        SecretStore.Rotation r = secrets.rotate(db, null, ("second-" + VALUE + "\n").getBytes(StandardCharsets.UTF_8));
        assertEquals(1, r.count());
        assertEquals(dir().resolve("archive/db.0.age"), r.archived());
        assertEquals(VALUE + "\n", new String(key.decrypt(Files.readAllBytes(r.archived())), StandardCharsets.UTF_8), "the old value, to the host key");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(r.archived())));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir().resolve("archive"))));
        assertEquals("second-" + VALUE, secrets.text(db, null));
        assertEquals(List.of("rotate-db-1-before", "rotate-db-1-after"), store.snapshots(secrets.dataset()).stream().map(zed.reconciler.store.Snapshot::name).toList(),
                "oldest first, as taken");
        assertEquals(secrets.dataset() + "@rotate-db-1-before", r.before());
        assertEquals(secrets.dataset() + "@rotate-db-1-after", r.after());
        // what each snapshot holds, opened with the host key: the old value before, the new one after
        assertEquals(VALUE + "\n", new String(key.decrypt(fileIn("rotate-db-1-before", "db.age")), StandardCharsets.UTF_8));
        assertEquals("second-" + VALUE + "\n", new String(key.decrypt(fileIn("rotate-db-1-after", "db.age")), StandardCharsets.UTF_8));
        assertEquals(VALUE + "\n", new String(key.decrypt(fileIn("rotate-db-1-after", "archive/db.0.age")), StandardCharsets.UTF_8));
        Map<String, String> props = store.zedState(secrets.dataset());
        assertEquals("1", props.get("com.zed:secret.db.rotation_count"));
        assertEquals("2026-12-05T12:00:00Z", props.get("com.zed:secret.db.rotated_at"));
        assertEquals("2026-12-05T12:00:00Z", props.get("com.zed:secret.db.created_at"));
        assertFalse(first.equals(props.get("com.zed:secret.db.fingerprint")));
        assertEquals(List.of(Verdict.OK), secrets.verify().stream().map(SecretStore.Checked::verdict).toList(), "the archive is no slot of its own");

        // a field of a slot of fields: the others stay
        Slot api = new Slot("api");
        secrets.set(api, "user", "svc".getBytes(StandardCharsets.UTF_8));
        secrets.set(api, "token", "t1".getBytes(StandardCharsets.UTF_8));
        assertEquals(1, secrets.rotate(api, "token", "t2".getBytes(StandardCharsets.UTF_8)).count());
        assertEquals("t2", secrets.text(api, "token"));
        assertEquals("svc", secrets.text(api, "user"));
        assertEquals(2, secrets.rotate(db, null, "third".getBytes(StandardCharsets.UTF_8)).count());
        assertTrue(Files.exists(dir().resolve("archive/db.1.age")));
    }

    @Test
    void fieldsAreSetOneAtATime() {
        Slot api = new Slot("api");
        secrets.set(api, "user", "svc\n".getBytes(StandardCharsets.UTF_8));
        secrets.set(api, "token", (VALUE + "\n").getBytes(StandardCharsets.UTF_8));
        assertEquals("svc", secrets.text(api, "user"));
        assertEquals(VALUE, secrets.text(api, "token"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> secrets.text(api, "nope"));
        assertEquals("secret slot \"api\" has no field \"nope\"", e.getMessage());
        secrets.set(new Slot("plain"), null, VALUE.getBytes(StandardCharsets.UTF_8));
        e = assertThrows(IllegalStateException.class, () -> secrets.set(new Slot("plain"), "f", "x".getBytes(StandardCharsets.UTF_8)));
        assertFalse(e.getMessage().contains(VALUE));
    }

    @Test
    void aSlotNotSetFailsWithItsNameAndNoValue() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new StoredSecrets(secrets).resolve(new Value.SecretRef("nope", null)));
        assertEquals("secret slot \"nope\" is not set (zed secrets set nope)", e.getMessage());
        e = assertThrows(IllegalStateException.class, () -> new StoredSecrets(secrets).resolve(new Value.SecretRef("Upper.case", null)));
        assertTrue(e.getMessage().startsWith("secret slot \"Upper.case\" cannot be in the host's store"), e.getMessage());
    }

    @Test
    void verifySaysOkUnsetMissingAndDrift() throws Exception {
        secrets.set(new Slot("ok"), null, "a".getBytes(StandardCharsets.UTF_8));
        secrets.set(new Slot("gone"), null, "b".getBytes(StandardCharsets.UTF_8));
        secrets.set(new Slot("changed"), null, "c".getBytes(StandardCharsets.UTF_8));
        secrets.consumer(new Slot("asked"), "shop/exec/web");
        Files.delete(dir().resolve("gone.age"));
        // a file put there behind the store's back: another value, to the same key
        Files.write(dir().resolve("changed.age"), key.encrypt("other".getBytes(StandardCharsets.UTF_8)));
        // and one of another host's key
        Files.write(dir().resolve("foreign.age"), HostKey.generate().encrypt("x".getBytes(StandardCharsets.UTF_8)));
        Map<String, Verdict> got = new java.util.TreeMap<>();
        for (SecretStore.Checked c : secrets.verify()) got.put(c.slot().name(), c.verdict());
        assertEquals(Map.of("ok", Verdict.OK, "gone", Verdict.MISSING, "changed", Verdict.DRIFT, "asked", Verdict.UNSET, "foreign", Verdict.DRIFT), got);
        assertEquals(List.of("shop/exec/web"), secrets.record(new Slot("asked")).consumers());
    }

    @Test
    void anAgeFileForThisHostIsImportedAsItIsAndOneForAnotherRefused() throws Exception {
        byte[] file = key.encrypt(VALUE.getBytes(StandardCharsets.UTF_8));
        secrets.importAge(new Slot("imp"), file);
        assertEquals(VALUE, secrets.text(new Slot("imp"), null));
        assertEquals(List.of(Verdict.OK), secrets.verify().stream().map(SecretStore.Checked::verdict).toList());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> secrets.importAge(new Slot("other"), HostKey.generate().encrypt(VALUE.getBytes(StandardCharsets.UTF_8))));
        assertTrue(e.getMessage().startsWith("the file for slot \"other\" is not an age file for this host's key"), e.getMessage());
        assertFalse(Files.exists(dir().resolve("other.age")));
    }

    @Test
    void aKeyOthersMayReadIsRefusedAndASecondInitKeepsTheFirst() throws Exception {
        Path f = tmp.resolve("keys/secrets.key");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> KeyFile.create(f));
        assertTrue(e.getMessage().endsWith("exists already; a new key would make the stored secrets unreadable"), e.getMessage());
        assertEquals(key, KeyFile.load(f));
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("r--r--r--"));
        e = assertThrows(IllegalStateException.class, () -> KeyFile.load(f));
        assertEquals(f + " is mode r--r--r--; the host key must be readable by its owner alone: chmod 400 " + f, e.getMessage());
    }

    /**
     * An unprivileged agent owns its ZED_HOME: a key there could be replaced by it, and root would then encrypt the
     * next secrets to the agent's key. A key in a directory another user owns or may write is refused (as root in CI:
     * the other user is the test's service account); in root's own directory it is read.
     */
    @Test
    void aKeyInADirectoryAnotherUserMayWriteIsRefused() throws Exception {
        zed.reconciler.process.RunAs other = zed.reconciler.process.Accounts.user();
        Path f = tmp.resolve("keys/secrets.key");
        Files.setPosixFilePermissions(f.getParent(), PosixFilePermissions.fromString("rwx------"));
        assertEquals(key, KeyFile.load(f), "root's key in root's directory");
        Files.setAttribute(f.getParent(), "unix:uid", (int) other.uid());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> KeyFile.load(f));
        assertTrue(e.getMessage().startsWith(f + " is in " + f.getParent() + " (owner uid " + other.uid() + ", mode rwx------), where another user may replace it"), e.getMessage());
        Files.setAttribute(f.getParent(), "unix:uid", 0);
        Files.setPosixFilePermissions(f.getParent(), PosixFilePermissions.fromString("rwxrwx---"));
        e = assertThrows(IllegalStateException.class, () -> KeyFile.load(f));
        assertTrue(e.getMessage().contains("where another user may replace it"), e.getMessage());
        Files.setPosixFilePermissions(f.getParent(), PosixFilePermissions.fromString("rwx------"));
        Files.setAttribute(f, "unix:uid", (int) other.uid());
        e = assertThrows(IllegalStateException.class, () -> KeyFile.load(f));
        assertTrue(e.getMessage().startsWith(f + " belongs to uid " + other.uid() + ", not to its reader (uid 0)"), e.getMessage());
    }

    @Test
    void zedSecretsKeyNamesTheKeyElseItIsInTheStateDirectory() {
        assertEquals(Path.of("/etc/zed/secrets.key"), KeyFile.located(java.util.Map.of("ZED_SECRETS_KEY", "/etc/zed/secrets.key"), Path.of("/var/lib/zed")));
        assertEquals(Path.of("/var/lib/zed/secrets.key"), KeyFile.located(java.util.Map.of(), Path.of("/var/lib/zed")));
    }

    /**
     * A rendered file's digest goes into com.zed:service.spec-hash, which anyone who reads the dataset's properties
     * sees: it must change with the value, stay the same across the node's restarts, and not be a hash of the
     * plaintext that a guess can be tested against.
     */
    @Test
    void aRenderedFilesDigestCoversASecretByItsKeyedStampNeverItsPlaintext() throws Exception {
        secrets.set(new Slot("db"), null, "hunter2\n".getBytes(StandardCharsets.UTF_8));
        Path file = tmp.resolve("etc/app.conf");
        LevelSpec.FileSpec spec = new LevelSpec.FileSpec("conf", file.toString(),
                new Value.Secret(List.of("password=", new Value.SecretRef("db", null), "\n")), "0600", zed.config.Pos.NONE);
        String digest = RenderedFiles.write("service.exec.app", List.of(spec), new StoredSecrets(secrets));
        assertEquals("password=hunter2\n", Files.readString(file));

        // what the digest was before: SHA-256 over path, mode and the plaintext, which a dictionary could be run against
        java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
        md.update((file + "\0" + "0600" + "\0").getBytes(StandardCharsets.UTF_8));
        md.update("password=hunter2\n".getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
        assertFalse(digest.equals(java.util.HexFormat.of().formatHex(md.digest()).substring(0, 16)), "the digest is no plain hash of the file");

        SecretStore reopened = new SecretStore(store, pool(), KeyFile.load(tmp.resolve("keys/secrets.key")), Clock.systemUTC());
        assertEquals(digest, RenderedFiles.write("service.exec.app", List.of(spec), new StoredSecrets(reopened)), "the same after a restart: nothing restarts");
        secrets.set(new Slot("db"), null, "hunter3\n".getBytes(StandardCharsets.UTF_8));
        assertNotEquals(digest, RenderedFiles.write("service.exec.app", List.of(spec), new StoredSecrets(secrets)), "a new value changes it");
    }
}
