package zed.actors.ui.passkey;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.actors.http.Scope;
import zed.actors.ui.Grant;
import zed.actors.ui.SingleUse;
import zed.reconciler.process.MutableClock;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The passkeys' own rules, without a browser (DashboardLoginChromiumTest registers and uses a real one): challenges
 * single-use, 2 minutes, and for one ceremony only; an answer webauthn4j cannot verify refused with why (and the
 * verifier runs on this class path: a missing method would be an error here, not a node's crash); the relying party
 * from the host name, a bare address refused; names; the file 0600, and refused when others may read it; removal
 * within the session's scope.
 */
class PasskeysTest {
    static final Grant ADMIN = new Grant("node", Scope.ADMIN);
    static final Grant READ = new Grant("viewer", Scope.READ);
    static final RelyingParty LOCAL = RelyingParty.of("http", "localhost", 7700);
    final MutableClock clock = new MutableClock(Instant.parse("2026-12-05T20:00:00Z"));
    @TempDir
    Path home;

    String challenge(Passkeys p, Passkeys.Ceremony c) {
        return assertInstanceOf(SingleUse.Key.class, p.challenge(c)).key();
    }

    static String why(Passkeys.Outcome o) {
        return assertInstanceOf(Passkeys.Outcome.Refused.class, o).why();
    }

    @Test
    void challengesAreSingleUseShortLivedAndForOneCeremony() {
        Passkeys p = new Passkeys(home, clock);
        byte[] junk = "not cbor".getBytes(StandardCharsets.US_ASCII);
        String login = challenge(p, new Passkeys.Ceremony.LoggingIn());
        assertTrue(why(p.register(ADMIN, login, LOCAL, junk, junk, Set.of())).contains("not this session's registration"));
        assertTrue(why(p.login(login, LOCAL, junk, null, junk, junk, junk)).contains("used already"));
        String reg = challenge(p, new Passkeys.Ceremony.Registering(ADMIN, "laptop", "u"));
        assertTrue(why(p.register(READ, reg, LOCAL, junk, junk, Set.of())).contains("not this session's registration"), "another session's challenge");
        String late = challenge(p, new Passkeys.Ceremony.Registering(ADMIN, "laptop", "u"));
        clock.advance(Passkeys.VALID);
        assertTrue(why(p.register(ADMIN, late, LOCAL, junk, junk, Set.of())).contains("expired"));
        assertTrue(why(p.login("AAAA", LOCAL, junk, null, junk, junk, junk)).contains("did not make"));
    }

    @Test
    void anAnswerThatDoesNotVerifyIsRefusedWithWhyAndNothingIsStored() {
        Passkeys p = new Passkeys(home, clock);
        byte[] junk = {(byte) 0xa0};
        String reg = challenge(p, new Passkeys.Ceremony.Registering(ADMIN, "laptop", "u"));
        String clientData = "{\"type\":\"webauthn.create\",\"challenge\":\"" + reg + "\",\"origin\":\"http://evil.example\"}";
        assertTrue(why(p.register(ADMIN, reg, LOCAL, junk, clientData.getBytes(StandardCharsets.UTF_8), Set.of())).contains("not made as asked"));
        String login = challenge(p, new Passkeys.Ceremony.LoggingIn());
        assertTrue(why(p.login(login, LOCAL, new byte[]{1, 2}, null, junk, junk, junk)).contains("not registered"));
        assertEquals(List.of(), p.all());
    }

    @Test
    void theRelyingPartyIsTheHostNameAndABareAddressIsRefused() {
        assertEquals(new RelyingParty("localhost", "http://localhost:7700"), LOCAL);
        assertEquals(new RelyingParty("h1.example", "https://h1.example"), RelyingParty.of("https", "H1.example", 443));
        assertNull(RelyingParty.refusal("h1.example", 7700));
        for (String ip : List.of("127.0.0.1", "::1", "[::1]", "10.0.0.7")) assertNotNull(RelyingParty.refusal(ip, 7700), ip);
        assertTrue(RelyingParty.refusal("127.0.0.1", 7700).contains("http://localhost:7700/ui/login"));
    }

    @Test
    void namesAreWordsAnOperatorTypes() {
        assertNull(Passkey.nameRefused("Ann's laptop"));
        assertNotNull(Passkey.nameRefused(""));
        assertNotNull(Passkey.nameRefused("<script>"));
        assertNotNull(Passkey.nameRefused("x".repeat(Passkey.LONGEST_NAME + 1)));
    }

    @Test
    void theFileIsTheOwnersAloneAndASessionRemovesOnlyWhatItsScopeAllows() throws Exception {
        PasskeysFile f = new PasskeysFile(home);
        Passkey admin = new Passkey("aWQ", "yubikey", clock.instant(), null, Scope.ADMIN, "node", 0, "Y3JlZA");
        Passkey read = new Passkey("cmVhZA", "phone", clock.instant(), clock.instant(), Scope.READ, "viewer", 3, "Y3JlZA");
        f.change(all -> List.of(admin, read));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f.file())));
        assertEquals(List.of(admin, read), f.all(), "read back as written");
        Passkeys p = new Passkeys(home, clock);
        assertTrue(p.remove(READ, "aWQ").contains("scope read"));
        assertNull(p.remove(READ, "cmVhZA"));
        assertEquals(List.of(admin), p.all());
        Files.setPosixFilePermissions(f.file(), PosixFilePermissions.fromString("rw-r--r--"));
        assertTrue(assertThrows(IllegalStateException.class, f::all).getMessage().contains("chmod 600"));
    }
}
