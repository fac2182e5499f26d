package zed.actors.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code zed secrets} on the dir store, and with the real {@code age} tool (Debian's, which .ci/run installs) in both
 * directions: age opens what Zed writes with the host key file, and Zed imports what {@code age -r} wrote. No output of
 * any command holds the value.
 */
class SecretsCommandTest {
    static final String VALUE = "canary-5e1d2b7c";

    @TempDir
    Path tmp;
    final List<CliRun> runs = new ArrayList<>();

    /** A node URL where none listens: rotate rotates all the same, and says its consumers were not restarted. */
    String noNode;

    Map<String, String> env() {
        if (noNode == null) {
            try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
                noNode = "http://127.0.0.1:" + s.getLocalPort();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return Map.of("ZED_HOME", tmp.resolve("home").toString(), "ZED_NODE", noNode);
    }

    CliRun zed(String stdin, String... args) {
        CliRun r = CliRun.withInput(stdin.getBytes(StandardCharsets.UTF_8), env(), args);
        runs.add(r);
        return r;
    }

    Path secretsDir() {
        return tmp.resolve("home/store/zed/secrets");
    }

    static String run(byte[] stdin, String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            in.write(stdin);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), String.join(" ", argv) + " did not finish");
        assertEquals(0, p.exitValue(), String.join(" ", argv) + ": " + out);
        return out;
    }

    @Test
    void setVerifyAndStatusOnTheDirStoreWithNoValueInAnyOutput() throws Exception {
        CliRun init = zed("", "secrets", "init");
        assertEquals(0, init.exit(), init.toString());
        assertTrue(init.out().startsWith("made key " + tmp.resolve("home/secrets.key") + " (public key age1"), init.out());
        assertEquals("r--------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("home/secrets.key"))));
        CliRun again = zed("", "secrets", "init");
        assertTrue(again.out().startsWith("key "), "a second init keeps the key: " + again);

        assertEquals(0, zed(VALUE + "\n", "secrets", "set", "db").exit());
        assertEquals(0, zed("svc\n", "secrets", "set", "api", "--field", "user").exit());
        assertEquals(0, zed(VALUE + "\n", "secrets", "set", "api", "--field", "token").exit());
        CliRun empty = zed("", "secrets", "set", "nothing");
        assertEquals(1, empty.exit());
        assertEquals("zed: no value on standard input for slot \"nothing\"; nothing was changed\n", empty.err());
        CliRun asArgument = zed("", "secrets", "set", "db", VALUE);
        assertEquals(2, asArgument.exit());
        assertTrue(asArgument.err().startsWith("zed: a value is never an argument"), asArgument.toString());
        CliRun bad = zed("x", "secrets", "set", "../etc");
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("a secret slot is 1 to 64 lowercase letters"), bad.toString());

        CliRun verify = zed("", "secrets", "verify");
        assertEquals(0, verify.exit(), verify.toString());
        assertEquals("api ok\ndb ok\n", verify.out());

        Files.delete(secretsDir().resolve("db.age"));
        verify = zed("", "secrets", "verify");
        assertEquals(1, verify.exit());
        assertEquals("api ok\ndb missing\n", verify.out());
        CliRun status = zed("", "secrets", "status");
        assertEquals(0, status.exit(), status.toString());
        assertTrue(status.out().contains("SLOT") && status.out().matches("(?s).*\\ndb +missing +20\\d\\d-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ .*"), status.out());

        // rotate: without a node it rotates all the same; with no consumer recorded that is all there is to do
        CliRun rotate = zed("second-" + VALUE + "\n", "secrets", "rotate", "api", "--field", "token");
        assertEquals(0, rotate.exit(), rotate.toString());
        assertTrue(rotate.out().startsWith("rotated api field token (rotation 1, hmac-sha256:"), rotate.toString());
        assertTrue(rotate.out().contains("  the previous value is kept in " + secretsDir().resolve("archive/api.0.age") + "; snapshots zed/secrets@rotate-api-1-before, zed/secrets@rotate-api-1-after\n"),
                rotate.toString());
        assertTrue(Files.exists(secretsDir().resolve("archive/api.0.age")));
        CliRun rotatedStatus = zed("", "secrets", "status");
        assertTrue(rotatedStatus.out().matches("(?s).*\\napi +ok +20\\S+ +20\\S+ +1 +- *\\n.*"), rotatedStatus.out());
        // a recorded consumer and no node: the value is rotated, and the command says who was not restarted, exit 1
        new zed.reconciler.secret.SecretStore(new zed.reconciler.store.DirStore(tmp.resolve("home/store")), null,
                zed.reconciler.secret.KeyFile.load(tmp.resolve("home/secrets.key")), java.time.Clock.systemUTC()).consumer(new zed.reconciler.secret.Slot("api"), "shop/exec/web");
        CliRun unrestarted = zed("third-" + VALUE + "\n", "secrets", "rotate", "api", "--field", "token");
        assertEquals(1, unrestarted.exit(), unrestarted.toString());
        assertTrue(unrestarted.err().startsWith("zed: no node answers at " + noNode), unrestarted.toString());
        assertTrue(unrestarted.err().contains("the consumers of api were NOT restarted: shop/exec/web; each reads the new value at its next start"), unrestarted.toString());
        assertTrue(unrestarted.out().startsWith("rotated api field token (rotation 2,"), unrestarted.toString());
        CliRun same = zed("third-" + VALUE + "\n", "secrets", "rotate", "api", "--field", "token");
        assertEquals(1, same.exit());
        assertEquals("zed: the new value of slot \"api\" is the one it holds; nothing was changed\n", same.err());
        CliRun rotateArgument = zed("", "secrets", "rotate", "api", VALUE);
        assertEquals(2, rotateArgument.exit());

        for (CliRun r : runs) assertFalse((r.out() + r.err()).contains(VALUE), "the value in the output of a command: " + r);
    }

    @Test
    void theAgeToolOpensWhatZedWritesAndZedImportsWhatAgeWrote() throws Exception {
        assertEquals(0, zed("", "secrets", "init").exit());
        assertEquals(0, zed(VALUE, "secrets", "set", "db").exit());
        // age reads the key file as it is (age-keygen's layout) and opens the slot's file
        assertEquals(VALUE, run(new byte[0], "age", "--decrypt", "-i", tmp.resolve("home/secrets.key").toString(), secretsDir().resolve("db.age").toString()));

        CliRun pub = zed("", "secrets", "export-pubkey");
        assertEquals(0, pub.exit(), pub.toString());
        String recipient = pub.out().strip();
        assertTrue(recipient.matches("age1[0-9a-z]{58}"), recipient);
        Path made = tmp.resolve("made-elsewhere.age");
        run(("imported-" + VALUE + "\n").getBytes(StandardCharsets.UTF_8), "age", "-r", recipient, "-o", made.toString());
        CliRun imp = zed("", "secrets", "import", "api", made.toString());
        assertEquals(0, imp.exit(), imp.toString());
        assertEquals(0, zed("", "secrets", "verify").exit());
        assertEquals("imported-" + VALUE, run(new byte[0], "age", "--decrypt", "-i", tmp.resolve("home/secrets.key").toString(), secretsDir().resolve("api.age").toString()).strip());

        // a file to another key (age-keygen's own) is refused, and nothing is stored
        Path otherKey = tmp.resolve("other.key");
        run(new byte[0], "age-keygen", "-o", otherKey.toString());
        Path foreign = tmp.resolve("foreign.age");
        run(VALUE.getBytes(StandardCharsets.UTF_8), "age", "-e", "-i", otherKey.toString(), "-o", foreign.toString());
        CliRun refused = zed("", "secrets", "import", "other", foreign.toString());
        assertEquals(1, refused.exit());
        assertTrue(refused.err().startsWith("zed: the file for slot \"other\" is not an age file for this host's key"), refused.toString());
        assertFalse(Files.exists(secretsDir().resolve("other.age")));

        for (CliRun r : runs) assertFalse((r.out() + r.err()).contains(VALUE), "the value in the output of a command: " + r);
    }

    @Test
    void withoutAKeyEachCommandSaysToInit() {
        CliRun r = zed("", "secrets", "status");
        assertEquals(1, r.exit());
        assertEquals("zed: no host key at " + tmp.resolve("home/secrets.key") + ": run zed secrets init\n", r.err());
    }
}
