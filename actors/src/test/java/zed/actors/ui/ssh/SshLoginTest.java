package zed.actors.ui.ssh;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.reconciler.process.MutableClock;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SSH-key login against signatures of OpenSSH's own ssh-keygen, made in a temporary directory: good ed25519 and
 * RSA signatures log in; a key not listed, another namespace, a reused or expired nonce, another message, an altered
 * signature, an SHA-1 (ssh-rsa) signature and an authorized_keys others may write are refused, each with its reason.
 */
class SshLoginTest {
    @TempDir
    Path home;
    @TempDir
    static Path operator;
    static SshKeygen keygen;
    static Path ed25519;
    static Path rsa;
    static Path stranger;
    final Instant start = Instant.parse("2026-12-05T20:00:00Z");
    final MutableClock clock = new MutableClock(start);
    SshLogin login;

    /** Made once: an RSA key takes a while. */
    @BeforeAll
    static void keys() throws Exception {
        keygen = new SshKeygen(operator);
        ed25519 = keygen.key("id_ed25519", "ed25519", 0, "ann@laptop");
        rsa = keygen.key("id_rsa", "rsa", 2048, "bob@desk");
        stranger = keygen.key("id_other", "ed25519", 0, "eve@elsewhere");
    }

    @BeforeEach
    void listed() throws Exception {
        Path file = home.resolve(AuthorizedKeysFile.NAME);
        Files.writeString(file, "# who may log in\n" + SshKeygen.publicLine(ed25519) + "\n" + SshKeygen.publicLine(rsa) + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        login = new SshLogin(home, clock);
    }

    String nonce() {
        return login.challenge();
    }

    static String refused(Verdict v) {
        return assertInstanceOf(Verdict.Refused.class, v, "refused: " + v).why();
    }

    @Test
    void goodEd25519AndRsaSignaturesLogInAsTheirKeys() throws Exception {
        String n = nonce();
        assertTrue(n.matches("[0-9a-f]{64}"), "32 random bytes in hex: " + n);
        Verdict.Verified v = assertInstanceOf(Verdict.Verified.class, login.login(n, keygen.sign(ed25519, "zed-login", n)));
        assertEquals("ann@laptop", v.key().comment());
        assertEquals(keygen.fingerprint(ed25519), v.key().key().fingerprint());
        assertEquals(2, v.key().line());

        String m = nonce();
        Verdict.Verified r = assertInstanceOf(Verdict.Verified.class, login.login(m, keygen.sign(rsa, "zed-login", m)), "rsa-sha2-512 over sha512");
        assertEquals("bob@desk", r.key().comment());
        assertEquals(keygen.fingerprint(rsa), r.key().key().fingerprint());

        // as echo writes it (a newline after), and with the message hashed by sha256
        String k = nonce();
        assertInstanceOf(Verdict.Verified.class, login.login(k, keygen.sign(rsa, "zed-login", k + "\n", "hashalg=sha256")));
    }

    @Test
    void theCommandTheNodePrintsMakesASignatureThatLogsIn() throws Exception {
        String n = nonce();
        String armored = SshKeygen.shell(SshLogin.command(n).replace("~/.ssh/id_ed25519", ed25519.toString()));
        assertInstanceOf(Verdict.Verified.class, login.login(n, armored));
    }

    @Test
    void aKeyNotListedIsRefused() throws Exception {
        String n = nonce();
        String why = refused(login.login(n, keygen.sign(stranger, "zed-login", n)));
        assertTrue(why.contains("not listed in authorized_keys") && why.contains(keygen.fingerprint(stranger)), why);
    }

    @Test
    void aSignatureForAnotherNamespaceIsRefused() throws Exception {
        String n = nonce();
        String why = refused(login.login(n, keygen.sign(ed25519, "other", n)));
        assertTrue(why.contains("namespace \"other\"") && why.contains("-n zed-login"), why);
        String file = nonce();
        assertTrue(refused(login.login(file, keygen.sign(ed25519, "file", file))).contains("namespace"), "ssh-keygen's namespace for files");
    }

    @Test
    void aNonceLogsInOnceAndOnlyIfThisNodeMadeIt() throws Exception {
        String n = nonce();
        String good = keygen.sign(ed25519, "zed-login", n);
        assertInstanceOf(Verdict.Verified.class, login.login(n, good));
        assertTrue(refused(login.login(n, good)).contains("used already"), "replayed");
        String rsaToo = keygen.sign(rsa, "zed-login", n);
        assertTrue(refused(login.login(n, rsaToo)).contains("used already"), "spent for every key");

        // a refused attempt (no signature that verifies) spends nothing: the nonce is no secret, the signature is
        String m = nonce();
        refused(login.login(m, keygen.sign(ed25519, "other", m)));
        assertInstanceOf(Verdict.Verified.class, login.login(m, keygen.sign(ed25519, "zed-login", m)));

        String never = "ab".repeat(32);
        assertTrue(refused(login.login(never, keygen.sign(ed25519, "zed-login", never))).contains("not one this node issued"), "forged");
        String another = new SshLogin(home, clock).challenge();
        assertTrue(refused(login.login(another, keygen.sign(ed25519, "zed-login", another))).contains("not one this node issued"), "another node's, or before a restart");
    }

    @Test
    void anExpiredNonceIsRefused() throws Exception {
        String n = nonce();
        String good = keygen.sign(ed25519, "zed-login", n);
        clock.advance(SshLogin.VALID);
        assertTrue(refused(login.login(n, good)).contains("expired"));
    }

    @Test
    void aSignatureOfAnotherMessageOrAlteredIsRefused() throws Exception {
        String n = nonce();
        String other = nonce();
        String why = refused(login.login(n, keygen.sign(ed25519, "zed-login", other)));
        assertTrue(why.contains("does not match the nonce"), why);

        String m = nonce();
        String armored = keygen.sign(rsa, "zed-login", m);
        byte[] blob = blob(armored);
        blob[blob.length - 10] ^= 1; // inside the RSA signature's bytes
        assertTrue(refused(login.login(m, armor(blob))).contains("does not match"));

        String k = nonce();
        assertTrue(refused(login.login(k, "hello")).contains("not an SSH signature"));
    }

    @Test
    void anSha1RsaSignatureIsRefusedThoughItsKeyIsListedAndItSignsTheNonce() throws Exception {
        // ssh-keygen -Y sign makes no ssh-rsa (SHA-1) signature any more: one is made here with the operator's real RSA
        // key (converted to PKCS#8 by ssh-keygen), and the same wrapping with rsa-sha2-512 logs in, so the refusal is the SHA-1
        Path pkcs8 = Files.copy(rsa, home.resolve("id_rsa.pkcs8"));
        SshKeygen.shell("ssh-keygen -p -m PKCS8 -N '' -P '' -f " + pkcs8);
        String pem = Files.readString(pkcs8).replaceAll("-----[A-Z ]+-----|\\s", "");
        PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
        byte[] pub = Base64.getDecoder().decode(SshKeygen.publicLine(rsa).split(" ")[1]);

        String n = nonce();
        assertInstanceOf(Verdict.Verified.class, login.login(n, made(key, pub, n, "rsa-sha2-512", "SHA512withRSA")), "the test's own wrapping is right");
        String m = nonce();
        String why = refused(login.login(m, made(key, pub, m, "ssh-rsa", "SHA1withRSA")));
        assertTrue(why.contains("SHA-1"), why);
    }

    @Test
    void anAuthorizedKeysFileOthersMayWriteOrNoneLetsNoKeyIn() throws Exception {
        Path file = home.resolve(AuthorizedKeysFile.NAME);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-r--"));
        String n = nonce();
        String why = refused(login.login(n, keygen.sign(ed25519, "zed-login", n)));
        assertTrue(why.contains("chmod go-w"), why);

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        String m = nonce();
        assertInstanceOf(Verdict.Verified.class, login.login(m, keygen.sign(ed25519, "zed-login", m)), "read again at each login");

        Files.delete(file);
        String k = nonce();
        assertTrue(refused(login.login(k, keygen.sign(ed25519, "zed-login", k))).contains("does not exist"));

        Files.createSymbolicLink(file, Path.of(ed25519 + ".pub"));
        String l = nonce();
        assertTrue(refused(login.login(l, keygen.sign(ed25519, "zed-login", l))).contains("symbolic link"));
    }

    /** An SSHSIG signature of {@code nonce} made with the JDK, as ssh-keygen wraps one. */
    static String made(PrivateKey key, byte[] pub, String nonce, String algorithm, String jdk) throws Exception {
        SshSignature unsigned = new SshSignature(pub, "zed-login", new byte[0], "sha512", algorithm, new byte[0]);
        Signature s = Signature.getInstance(jdk);
        s.initSign(key);
        s.update(unsigned.signedData(nonce.getBytes(StandardCharsets.US_ASCII)));
        byte[] inner = new Wire.Out().string(algorithm).string(s.sign()).bytes();
        byte[] blob = new Wire.Out().raw("SSHSIG".getBytes(StandardCharsets.US_ASCII)).raw(new byte[]{0, 0, 0, 1}).string(pub).string("zed-login")
                .string(new byte[0]).string("sha512").string(inner).bytes();
        return armor(blob);
    }

    static byte[] blob(String armored) {
        return Base64.getMimeDecoder().decode(armored.replace(SshSignature.BEGIN, "").replace(SshSignature.END, "").strip());
    }

    static String armor(byte[] blob) {
        return SshSignature.BEGIN + "\n" + Base64.getMimeEncoder(70, new byte[]{'\n'}).encodeToString(blob) + "\n" + SshSignature.END + "\n";
    }

    @Test
    void nonceExpiryIsTheNodesClock() throws Exception {
        String n = login.challenge();
        String good = keygen.sign(ed25519, "zed-login", n);
        clock.advance(Duration.ofSeconds(119));
        assertInstanceOf(Verdict.Verified.class, login.login(n, good));
        String m = login.challenge();
        clock.advance(SshLogin.VALID);
        assertTrue(refused(login.login(m, keygen.sign(ed25519, "zed-login", m))).contains("expired"));
    }
}
