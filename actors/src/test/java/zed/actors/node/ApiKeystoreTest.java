package zed.actors.node;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.actors.cluster.ClusterKeys;
import zed.reconciler.process.Subprocess;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The operator's keystore for the API, checked at start: a throwaway CA's host keystore (made as {@code zed cluster
 * init} makes one) opens with its password file; a password file others may read, a wrong password, a keystore of
 * certificates only, an expired certificate and an empty-password keystore others may read are refused, naming the
 * file and never the password.
 */
class ApiKeystoreTest {
    @TempDir
    static Path keys;
    static Path p12, password, expired;

    @BeforeAll
    static void makeKeystores() throws Exception {
        ClusterKeys.create(keys.resolve("ca"), Map.of("h1", "127.0.0.1:25520"));
        p12 = keys.resolve("ca/h1/tls/node.p12");
        password = keys.resolve("ca/h1/tls/password");
        // a certificate that ended yesterday: keytool's -startdate puts its validity in the past
        expired = keys.resolve("expired.p12");
        Files.writeString(keys.resolve("expired.pw"), "expired-pw-123\n");
        Files.setPosixFilePermissions(keys.resolve("expired.pw"), PosixFilePermissions.fromString("rw-------"));
        Map<String, String> env = new java.util.HashMap<>(System.getenv());
        env.put("PW", "expired-pw-123");
        Subprocess.Result r = Subprocess.of(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair", "-alias", "api",
                "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=old", "-startdate", "-3d", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", expired.toString(), "-storepass:env", "PW"), Duration.ofMinutes(1)).withEnvironment(env).mergingErrors().run();
        assertEquals(0, r.exit(), r.stdout());
    }

    @Test
    void aHostKeystoreOpensWithThePasswordInItsFile() {
        assertNotNull(new ApiKeystore(p12, password).open(Instant.now()));
    }

    @Test
    void aPasswordFileOthersMayReadIsRefused() throws Exception {
        Path pw = Files.copy(password, keys.resolve("readable.pw"));
        Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-r--r--"));
        String why = refusal(new ApiKeystore(p12, pw));
        assertTrue(why.contains(pw + " holds the API keystore's password but is mode rw-r--r--: others may read it; chmod 600 " + pw), why);
    }

    @Test
    void aWrongPasswordIsRefusedNamingTheFileNeverThePassword() throws Exception {
        Path pw = keys.resolve("wrong.pw");
        Files.writeString(pw, "not-the-password-42\n");
        Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-------"));
        String why = refusal(new ApiKeystore(p12, pw));
        assertTrue(why.startsWith("--api-keystore " + p12 + " does not open as a PKCS12 keystore with the password in " + pw), why);
        assertFalse(why.contains("not-the-password-42"), why);
        assertFalse(why.contains(Files.readString(password).strip()), why);
    }

    @Test
    void aKeystoreOfCertificatesOnlyIsRefused() {
        Path trust = keys.resolve("ca/h1/tls/trust.p12");
        String why = refusal(new ApiKeystore(trust, password));
        assertEquals("--api-keystore " + trust + " holds no private key (1 certificate only): the API needs its key and certificate", why);
    }

    @Test
    void anExpiredCertificateIsRefused() {
        String why = refusal(new ApiKeystore(expired, keys.resolve("expired.pw")));
        assertTrue(why.startsWith("--api-keystore " + expired + " holds a certificate (CN=old) that expired at "), why);
        assertFalse(why.contains("expired-pw-123"), why);
    }

    @Test
    void aCertificateNotYetValidIsUnfit() throws Exception {
        KeyStore ks = load(p12, Files.readString(password).strip().toCharArray());
        assertNull(ApiKeystore.flaw(ks, Instant.now()));
        String why = ApiKeystore.flaw(ks, Instant.now().minus(Duration.ofDays(2)));
        assertTrue(why.startsWith("holds a certificate (CN=h1) that is not valid before "), why);
    }

    @Test
    void anEmptyPasswordOpensAKeystoreItsOwnerAloneMayRead() throws Exception {
        char[] pw = Files.readString(password).strip().toCharArray();
        KeyStore from = load(p12, pw);
        KeyStore to = KeyStore.getInstance("PKCS12");
        to.load(null, null);
        to.setKeyEntry("node", from.getKey("node", pw), new char[0], from.getCertificateChain("node"));
        Path open = keys.resolve("no-password.p12");
        try (OutputStream out = Files.newOutputStream(open)) {
            to.store(out, new char[0]);
        }
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-------"));
        assertNotNull(new ApiKeystore(open, null).open(Instant.now()));

        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r-----"));
        String why = refusal(new ApiKeystore(open, null));
        assertTrue(why.contains(open + " holds its private key under an empty password but is mode rw-r-----"), why);
        // with a password, it is refused as any keystore whose password is not the file's
        assertTrue(refusal(new ApiKeystore(p12, null)).startsWith("--api-keystore " + p12 + " does not open as a PKCS12 keystore with an empty password"));
    }

    @Test
    void theCertificateMustNameOneOfTheNamesTheNodeIsReachedBy() throws Exception {
        assertNotNull(new ApiKeystore(p12, password).open(Instant.now(), java.util.Set.of("h1", "elsewhere.example")));
        assertNotNull(new ApiKeystore(p12, password).open(Instant.now(), java.util.Set.of("127.0.0.1")));
        String why = assertThrows(IllegalStateException.class, () -> new ApiKeystore(p12, password).open(Instant.now(),
                java.util.Set.of("web.example", "10.9.9.9"))).getMessage();
        assertTrue(why.startsWith("--api-keystore " + p12 + " holds a certificate for "), why);
        assertTrue(why.contains("h1"), why);
        assertTrue(why.contains("none of the names this node is reached by (10.9.9.9, web.example): a client that checks the host name, as zed does, would refuse it"), why);
        // a certificate without alternative names is for its CN
        KeyStore old = load(expired, "expired-pw-123".toCharArray());
        assertEquals(List.of("old"), CertificateNames.of((java.security.cert.X509Certificate) old.getCertificate("api")));
    }

    @Test
    void aNameIsCoveredExactlyOrByAWildcardOfOneLabelAndAnAddressByTheSameAddress() {
        assertTrue(CertificateNames.covers("web.example", "WEB.example"));
        assertTrue(CertificateNames.covers("*.example", "web.example"));
        assertFalse(CertificateNames.covers("*.example", "a.web.example"));
        assertFalse(CertificateNames.covers("*.example", "example"));
        assertTrue(CertificateNames.covers("::1", "0:0:0:0:0:0:0:1"));
        assertTrue(CertificateNames.covers("127.0.0.1", "127.0.0.1"));
        assertFalse(CertificateNames.covers("127.0.0.1", "127.0.0.2"));
        assertFalse(CertificateNames.covers("127.0.0.1", "localhost"), "a name is no address, even one that resolves to it");
    }

    @Test
    void aKeystoreThatIsNoFileIsRefused() {
        assertEquals("--api-keystore " + keys.resolve("none.p12") + " is no file", refusal(new ApiKeystore(keys.resolve("none.p12"), password)));
    }

    private static String refusal(ApiKeystore k) {
        return assertThrows(IllegalStateException.class, () -> k.open(Instant.now())).getMessage();
    }

    private static KeyStore load(Path f, char[] pw) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(f)) {
            ks.load(in, pw);
        }
        return ks;
    }
}
