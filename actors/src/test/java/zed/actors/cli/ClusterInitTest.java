package zed.actors.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code zed cluster init}: one directory per host with the same cluster.conf and token, and TLS material that
 * Artery can use: a key store with the host's key and a chain the cluster CA signed, naming the host and its address,
 * for both ends of a connection; nothing others may read. The real keytool makes it (its output is read back with
 * the JDK's KeyStore, as Artery reads it); ClusterTest runs a cluster on it.
 */
class ClusterInitTest {
    private static int run(Path cwd, StringWriter out, StringWriter err, String... args) {
        var cl = ZedCommand.commandLine(args);
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }

    @Test
    void everyHostGetsTheSameFileAndTokenAndItsOwnCertificateFromOneCa(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("c");
        int exit = run(tmp, new StringWriter(), new StringWriter(), "cluster", "init", "--out", out.toString(),
                "--host", "h1=127.0.0.2:25520", "--host", "h2=10.1.2.3:25520");
        assertEquals(0, exit);
        assertEquals(Files.readString(out.resolve("h1/cluster.conf")), Files.readString(out.resolve("h2/cluster.conf")));
        // Pekko Management's own port for each host's bootstrap endpoint, unless told
        assertTrue(Files.readString(out.resolve("h1/cluster.conf")).contains("h1 = 127.0.0.2:25520, bootstrap=7626\nh2 = 10.1.2.3:25520, bootstrap=7626\n"),
                Files.readString(out.resolve("h1/cluster.conf")));
        assertEquals(Files.readString(out.resolve("h1/api-token")), Files.readString(out.resolve("h2/api-token")));
        assertTrue(Files.readString(out.resolve("h1/api-token")).strip().matches("[0-9a-f]{64}"));
        for (String f : List.of("h1/api-token", "h1/tls/node.p12", "h1/tls/trust.p12", "h1/tls/password", "ca/ca.p12", "ca/password")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve(f))), f);
        }
        for (String d : List.of("h1", "h1/tls", "ca")) assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve(d))), d);
        assertTrue(Files.notExists(out.resolve("h1/tls/ca.p12")), "no host holds the CA's key");

        X509Certificate ca = null;
        for (String host : List.of("h1", "h2")) {
            char[] pw = Files.readString(out.resolve(host + "/tls/password")).strip().toCharArray();
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(Files.newInputStream(out.resolve(host + "/tls/trust.p12")), pw);
            assertEquals(List.of("ca"), java.util.Collections.list(trust.aliases()));
            X509Certificate c = (X509Certificate) trust.getCertificate("ca");
            if (ca != null) assertArrayEquals(ca.getEncoded(), c.getEncoded(), "one CA for every host");
            ca = c;
            KeyStore node = KeyStore.getInstance("PKCS12");
            node.load(Files.newInputStream(out.resolve(host + "/tls/node.p12")), pw);
            assertTrue(node.isKeyEntry("node"));
            assertTrue(node.getKey("node", pw) != null, "the key opens with the same password");
            Certificate[] chain = node.getCertificateChain("node");
            assertEquals(2, chain.length);
            X509Certificate leaf = (X509Certificate) chain[0];
            leaf.verify(ca.getPublicKey()); // signed by the cluster CA
            assertEquals("CN=" + host, leaf.getSubjectX500Principal().getName());
            assertTrue(leaf.getExtendedKeyUsage().containsAll(List.of("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2")), "server and client auth");
            Set<String> names = new TreeSet<>();
            for (List<?> n : leaf.getSubjectAlternativeNames()) names.add(n.get(1).toString());
            assertEquals(Set.of(host, host.equals("h1") ? "127.0.0.2" : "10.1.2.3"), names);
        }
    }

    @Test
    void aClusterIsMadeOnceAndABadHostIsRefused(@TempDir Path tmp) {
        Path out = tmp.resolve("c");
        assertEquals(0, run(tmp, new StringWriter(), new StringWriter(), "cluster", "init", "--out", out.toString(), "--host", "h1=127.0.0.2:25520"));
        StringWriter err = new StringWriter();
        // the command prints its refusals on System.err: the exit code says enough here
        assertEquals(1, run(tmp, new StringWriter(), err, "cluster", "init", "--out", out.toString(), "--host", "h1=127.0.0.2:25520"));
        assertEquals(2, run(tmp, new StringWriter(), err, "cluster", "init", "--out", tmp.resolve("d").toString(), "--host", "h1"));
        assertEquals(2, run(tmp, new StringWriter(), err, "cluster", "init", "--out", tmp.resolve("d").toString(), "--host", "h1=127.0.0.2"));
        // two hosts on one address need bootstrap ports of their own
        assertEquals(2, run(tmp, new StringWriter(), err, "cluster", "init", "--out", tmp.resolve("d").toString(), "--host", "h1=127.0.0.1:25520",
                "--host", "h2=127.0.0.1:25521"));
        assertTrue(Files.notExists(tmp.resolve("d")), "nothing written for a refused call");
    }
}
