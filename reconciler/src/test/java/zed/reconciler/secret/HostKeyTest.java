package zed.reconciler.secret;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HostKeyTest {
    static final byte[] PW = "hunter2".getBytes(StandardCharsets.UTF_8);

    @Test
    void whatItEncryptsOpensWithItsOwnKeyAndNoOther() {
        HostKey key = HostKey.generate();
        byte[] file = key.encrypt(PW);
        assertTrue(new String(file, StandardCharsets.ISO_8859_1).startsWith("age-encryption.org/v1\n-> X25519 "));
        assertFalse(new String(file, StandardCharsets.ISO_8859_1).contains("hunter2"));
        assertArrayEquals(PW, key.decrypt(file));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HostKey.generate().decrypt(file));
        assertFalse(e.getMessage().contains("hunter2"));
        byte[] altered = file.clone();
        altered[altered.length - 1] ^= 1;
        assertThrows(IllegalArgumentException.class, () -> key.decrypt(altered));
    }

    @Test
    void theFingerprintIsAnHmacUnderTheHostKeyBoundToTheSlotNeverAPlainHash() throws Exception {
        HostKey key = HostKey.generate();
        String fp = key.fingerprint(new Slot("db"), PW);
        assertTrue(fp.matches("hmac-sha256:[0-9a-f]{64}"), fp);
        assertEquals(fp, key.fingerprint(new Slot("db"), PW));
        String plain = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(PW));
        assertFalse(fp.contains(plain), "a plain SHA-256 of the value");
        assertNotEquals(fp, key.fingerprint(new Slot("api"), PW), "the slot is bound in");
        assertNotEquals(fp, HostKey.generate().fingerprint(new Slot("db"), PW), "another host's key gives another fingerprint");
    }

    @Test
    void theKeyFileReadsBackAndAPublicKeyOfAnotherIdentityIsRefused() {
        HostKey key = HostKey.generate();
        assertEquals(key, HostKey.parse(key.fileText("2026-12-05T00:00:00Z")));
        String mixed = "# public key: " + HostKey.generate().recipient() + "\n" + key.identity() + "\n";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HostKey.parse(mixed));
        assertEquals("its public key does not belong to its identity", e.getMessage());
        assertFalse(key.toString().contains(key.identity()));
    }

    @Test
    void slotNamesAreNarrow() {
        for (String bad : new String[]{"", "a/b", "..", "a..b", "a@b", "A", "a.b", "-a", "a b", "x".repeat(65), "é"}) {
            assertThrows(IllegalArgumentException.class, () -> new Slot(bad), bad);
        }
        assertEquals("db_main-2.age", new Slot("db_main-2").fileName());
    }

    @Test
    void verdicts() {
        Slot s = new Slot("db");
        SlotRecord set = SlotRecord.none(s).withValue("hmac-sha256:aa", "t");
        SlotRecord asked = SlotRecord.none(s).withConsumer("shop/exec/web");
        assertEquals(Verdict.OK, Verdict.of(set, true, "hmac-sha256:aa"));
        assertEquals(Verdict.DRIFT, Verdict.of(set, true, "hmac-sha256:bb"));
        assertEquals(Verdict.DRIFT, Verdict.of(set, true, null));
        assertEquals(Verdict.DRIFT, Verdict.of(null, true, "hmac-sha256:aa"));
        assertEquals(Verdict.MISSING, Verdict.of(set, false, null));
        assertEquals(Verdict.UNSET, Verdict.of(asked, false, null));
    }

    @Test
    void aRecordReadsBackFromItsProperties() {
        Slot s = new Slot("db");
        SlotRecord r = new SlotRecord(s, "hmac-sha256:aa", "t1", "t2", 3, java.util.List.of("b", "a"));
        java.util.Map<String, String> props = new java.util.HashMap<>(r.properties());
        props.put("com.zed:secret.other.created_at", "t");
        props.put("com.zed:host", "h");
        assertEquals(r, SlotRecord.of(s, props));
        assertEquals("a,b", props.get("com.zed:secret.db.consumers"));
        assertEquals(java.util.Set.of(s, new Slot("other")), SlotRecord.slots(props));
    }
}
