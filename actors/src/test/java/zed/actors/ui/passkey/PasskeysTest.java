package zed.actors.ui.passkey;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.actors.http.Scope;
import zed.actors.ui.Authority;
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
    static final Authority NODE = new Authority.Token("node", "ab12");
    static final Authority VIEWER = new Authority.Token("viewer", "cd34");
    static final RelyingParty LOCAL = RelyingParty.of("http", "localhost", 7700);
    final MutableClock clock = new MutableClock(Instant.parse("2026-12-05T20:00:00Z"));
    @TempDir
    Path home;

    /** What stands: every authority but those the test revoked. */
    final Set<Authority> revoked = java.util.concurrent.ConcurrentHashMap.newKeySet();
    final Authority.Standing standing = (a, scope) -> revoked.contains(a) ? "revoked" : null;

    Passkeys passkeys() {
        return new Passkeys(home, clock, standing);
    }

    String challenge(Passkeys p, Passkeys.Registering r) {
        return assertInstanceOf(SingleUse.Key.class, p.registration(r)).key();
    }

    static String why(Passkeys.Outcome o) {
        return assertInstanceOf(Passkeys.Outcome.Refused.class, o).why();
    }

    @Test
    void challengesAreShortLivedAndForOneCeremony() {
        Passkeys p = passkeys();
        byte[] junk = "not cbor".getBytes(StandardCharsets.US_ASCII);
        String login = p.loginChallenge();
        assertTrue(why(p.register(ADMIN, NODE, login, LOCAL, junk, junk, Set.of())).contains("did not make"), "a login's challenge registers nothing");
        String reg = challenge(p, new Passkeys.Registering(ADMIN, NODE, "laptop", "u"));
        assertTrue(why(p.login(reg, LOCAL, junk, null, junk, junk, junk)).contains("did not make"), "a registration's challenge logs nobody in");
        assertTrue(why(p.register(READ, VIEWER, reg, LOCAL, junk, junk, Set.of())).contains("not this session's registration"), "another session's challenge");
        String late = challenge(p, new Passkeys.Registering(ADMIN, NODE, "laptop", "u"));
        String lateLogin = p.loginChallenge();
        clock.advance(Passkeys.VALID);
        assertTrue(why(p.register(ADMIN, NODE, late, LOCAL, junk, junk, Set.of())).contains("expired"));
        assertTrue(why(p.login(lateLogin, LOCAL, junk, null, junk, junk, junk)).contains("expired"));
        assertTrue(why(p.login("AAAA", LOCAL, junk, null, junk, junk, junk)).contains("did not make"));
    }

    @Test
    void anAnswerThatDoesNotVerifyIsRefusedWithWhyAndNothingIsStored() {
        Passkeys p = passkeys();
        byte[] junk = {(byte) 0xa0};
        String reg = challenge(p, new Passkeys.Registering(ADMIN, NODE, "laptop", "u"));
        String clientData = "{\"type\":\"webauthn.create\",\"challenge\":\"" + reg + "\",\"origin\":\"http://evil.example\"}";
        assertTrue(why(p.register(ADMIN, NODE, reg, LOCAL, junk, clientData.getBytes(StandardCharsets.UTF_8), Set.of())).contains("not made as asked"));
        String login = p.loginChallenge();
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
        Passkey admin = new Passkey("aWQ", "yubikey", clock.instant(), null, Scope.ADMIN, "node", 0, "Y3JlZA", NODE);
        Passkey read = new Passkey("cmVhZA", "phone", clock.instant(), clock.instant(), Scope.READ, "viewer", 3, "Y3JlZA", new Authority.SshKey("SHA256:abc"));
        f.change(all -> List.of(admin, read));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f.file())));
        assertEquals(List.of(admin, read), f.all(), "read back as written");
        Passkeys p = passkeys();
        assertTrue(p.remove(READ, "aWQ").contains("scope read"));
        assertNull(p.remove(READ, "cmVhZA"));
        assertEquals(List.of(admin), p.all());
        Files.setPosixFilePermissions(f.file(), PosixFilePermissions.fromString("rw-r--r--"));
        assertTrue(assertThrows(IllegalStateException.class, f::all).getMessage().contains("chmod 600"));
    }

    /** A passkey of {@code a}, registered as the Passkeys page does, under {@code authority}. */
    Passkey registered(Passkeys p, SoftwareAuthenticator a, long counter, Authority authority) throws Exception {
        String reg = challenge(p, new Passkeys.Registering(ADMIN, authority, "laptop", "u"));
        byte[][] made = a.create(LOCAL, reg, counter);
        return assertInstanceOf(Passkeys.Outcome.Done.class, p.register(ADMIN, authority, reg, LOCAL, made[0], made[1], Set.of("internal"))).passkey();
    }

    Passkeys.Outcome login(Passkeys p, SoftwareAuthenticator a, String challenge, long counter) throws Exception {
        byte[][] got = a.get(LOCAL, challenge, counter);
        return p.login(challenge, LOCAL, a.credentialId, null, got[0], got[1], got[2]);
    }

    @Test
    void aSoftwareAuthenticatorsLoginSpendsItsChallengeAndACounterThatDidNotGrowIsRefused() throws Exception {
        Passkeys p = passkeys();
        SoftwareAuthenticator a = new SoftwareAuthenticator();
        registered(p, a, 5, NODE);
        String c = p.loginChallenge();
        assertTrue(why(login(p, a, c, 5)).contains("counter did not grow"), "the counter it was registered with, again");
        Passkey in = assertInstanceOf(Passkeys.Outcome.Done.class, login(p, a, c, 6), "a refused answer spent nothing").passkey();
        assertEquals(6, in.counter());
        assertTrue(why(login(p, a, c, 7)).contains("used already"), "a challenge logs in once");
        assertEquals(6, new PasskeysFile(home).find(a.id()).orElseThrow().counter(), "the counter kept");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(new PasskeysFile(home).file())));
        assertEquals(clock.instant(), p.all().get(0).lastUsed());
    }

    @Test
    void twoLoginsAtOnceShowingTheSameCounterLetExactlyOneIn() throws Exception {
        Passkeys p = passkeys();
        SoftwareAuthenticator a = new SoftwareAuthenticator();
        registered(p, a, 1, NODE);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            // each round: two answers (two challenges) that show the same next counter, as a copied authenticator's would
            for (long round = 2; round < 40; round++) {
                String c1 = p.loginChallenge();
                String c2 = p.loginChallenge();
                long counter = round;
                java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(2);
                List<java.util.concurrent.Future<Passkeys.Outcome>> both = pool.invokeAll(List.of(
                        () -> { together.await(); return login(p, a, c1, counter); },
                        () -> { together.await(); return login(p, a, c2, counter); }));
                long in = 0;
                for (var f : both) if (f.get() instanceof Passkeys.Outcome.Done) in++;
                assertEquals(1, in, "round " + round + ": " + both.get(0).get() + " / " + both.get(1).get());
                assertEquals(counter, new PasskeysFile(home).find(a.id()).orElseThrow().counter());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aPasskeyLogsInOnlyWhileWhatItWasRegisteredUnderStands() throws Exception {
        Passkeys p = passkeys();
        SoftwareAuthenticator a = new SoftwareAuthenticator();
        Passkey k = registered(p, a, 0, NODE);
        assertEquals(NODE, new PasskeysFile(home).find(a.id()).orElseThrow().authority(), "kept in passkeys.json");
        assertNull(p.fallen(k));
        assertInstanceOf(Passkeys.Outcome.Done.class, login(p, a, p.loginChallenge(), 0));
        revoked.add(NODE);
        assertTrue(p.fallen(k).contains("token node") && p.fallen(k).contains("revoked"), p.fallen(k));
        assertTrue(why(login(p, a, p.loginChallenge(), 0)).contains("no longer logs in"));
        // one registered before passkeys recorded what they stand on
        new PasskeysFile(home).change(all -> List.of(new Passkey(k.id(), k.name(), k.created(), null, k.scope(), k.token(), 0, k.credential(), null)));
        revoked.clear();
        assertTrue(why(login(p, a, p.loginChallenge(), 0)).contains("register it again"));
    }
}
