package zed.reconciler.ops;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import zed.config.LevelSpec.SudoHook;
import zed.config.Pos;
import zed.reconciler.host.Await;
import zed.reconciler.host.HookStep;
import zed.reconciler.store.ProcessCommand;
import zed.reconciler.store.ZfsStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sudo hooks' applies through a real zed ops (its Unix socket, in this JVM, as root) for an agent's
 * {@link OpsPrivilege}: ops runs an apply as root only where the allow file in a temporary directory (root's, 0644)
 * lists its text's digest, reads that file at each request, refuses every apply while someone but root could have
 * written it, and audits each request by its digest. Real shells; no ZFS.
 */
class OpsSudoTest {
    static final String LEVEL = "shop";
    static final String SERVICE = "service.exec.web";
    Path dir;
    Path allowed;
    Path audit;
    OpsServer ops;
    OpsPrivilege privilege;

    @BeforeEach
    void setUp() throws IOException {
        dir = Files.createTempDirectory("zed-ops-sudo");
        Files.createDirectories(dir.resolve("etc"));
        Files.setPosixFilePermissions(dir.resolve("etc"), PosixFilePermissions.fromString("rwxr-xr-x"));
        allowed = dir.resolve("etc/sudo-allowed");
        audit = dir.resolve("audit.log");
        ops = new OpsServer(dir.resolve("run/ops.sock"), null, Set.of(), new OpsRules(List.of("zedtest-ops/managed"), List.of()), new AuditLog(audit),
                p -> ZfsStore.probe(new ProcessCommand(), p)).sudoAllowed(allowed);
        ops.start();
        privilege = new OpsPrivilege(ops.socket());
    }

    @AfterEach
    void tearDown() throws IOException {
        if (ops != null) ops.close();
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    static SudoHook hook(String name, String apply) {
        return new SudoHook(name, null, apply, null, new Pos("Zedfile", 1, 1));
    }

    void allow(String... applies) throws IOException {
        StringBuilder text = new StringBuilder("# allowed by the host's operator\n");
        for (String a : applies) text.append(SudoAllowed.line(SudoAllowed.digest(a), LEVEL + "/" + SERVICE + "/test")).append('\n');
        Files.writeString(allowed, text);
        Files.setPosixFilePermissions(allowed, PosixFilePermissions.fromString("rw-r--r--"));
    }

    String at(String file) {
        return "'" + dir.resolve(file) + "'";
    }

    @Test
    void anAllowedApplyRunsAsRootWithRootsEnvironmentAndIsAuditedByItsDigest() throws Exception {
        String apply = "id -u > " + at("uid") + "; env > " + at("env") + " # canary-sudo-5e1";
        String failing = "echo 'pfctl: loading rules' >&2; echo 'pfctl: no space left on device' >&2; exit 3";
        allow(apply, failing);

        HookStep ran = privilege.apply(LEVEL, SERVICE, hook("whoami", apply));

        assertTrue(ran.passed(), ran.toString());
        assertEquals("0", Files.readString(dir.resolve("uid")).strip(), "ops ran it as root");
        String env = Files.readString(dir.resolve("env"));
        assertTrue(env.contains("HOME=/root\n"), env);
        assertFalse(env.contains("ZED_"), "none of ops's own environment but PATH, LANG and TZ: " + env);
        HookStep exited = privilege.apply(LEVEL, SERVICE, hook("pf", failing));
        assertEquals("apply exited 3: pfctl: loading rules | pfctl: no space left on device", exited.why(""));

        String log = Files.readString(audit);
        String digest = SudoAllowed.digest(apply);
        List<String> lines = log.lines().filter(l -> l.contains("\"sha256\":\"" + digest + "\"")).toList();
        assertEquals(2, lines.size(), log);
        assertTrue(lines.get(0).contains("\"result\":\"started\"") && lines.get(0).contains("\"hook\":\"whoami\"")
                && lines.get(0).contains("\"level\":\"shop\"") && lines.get(0).contains("\"service\":\"service.exec.web\""), log);
        assertTrue(lines.get(1).contains("\"result\":\"ok: {\\\"exit\\\":0"), log);
        assertTrue(log.contains("ok: {\\\"exit\\\":3"), "a failing apply's exit is audited too: " + log);
        assertFalse(log.contains("canary-sudo-5e1"), "the log names the text by its digest");
    }

    @Test
    void aTextNotAllowedIsRefusedWithTheLineToAddAndRunsOnceTheOperatorAddsIt() throws Exception {
        SudoHook resolver = hook("resolver", "touch " + at("applied"));
        String digest = SudoAllowed.digest(resolver.apply());

        HookStep none = privilege.apply(LEVEL, SERVICE, resolver);
        assertNotNull(none.failure(), none.toString());
        assertTrue(none.failure().startsWith("apply refused by zed ops: there is no " + allowed), none.failure());
        assertFalse(Files.exists(dir.resolve("applied")), "nothing ran");

        allow("true");
        HookStep refused = privilege.apply(LEVEL, SERVICE, resolver);
        String add = "echo '" + digest + "  shop/service.exec.web/resolver' >> " + allowed;
        assertEquals("apply refused by zed ops: its text (sha256 " + digest + ") is not in " + allowed + "; to allow it, as root: " + add, refused.failure());
        assertFalse(Files.exists(dir.resolve("applied")), "nothing ran");
        assertTrue(Files.readString(audit).contains("\"result\":\"refused: shop/service.exec.web/resolver: permission denied: its text (sha256 " + digest),
                Files.readString(audit));

        // the operator runs the line the refusal gave, and the same ops runs the apply: no restart
        Matcher line = Pattern.compile("as root: (.*)$").matcher(refused.failure());
        assertTrue(line.find());
        Process p = new ProcessBuilder("/bin/sh", "-c", line.group(1)).inheritIO().start();
        assertEquals(0, p.waitFor());
        HookStep ran = privilege.apply(LEVEL, SERVICE, resolver);
        assertTrue(ran.passed(), ran.toString());
        assertTrue(Files.exists(dir.resolve("applied")));
    }

    @Test
    void anAllowFileSomeoneButRootCouldHaveWrittenAllowsNothing() throws Exception {
        SudoHook resolver = hook("resolver", "touch " + at("applied"));
        allow(resolver.apply());
        Path etc = dir.resolve("etc");

        Files.setPosixFilePermissions(allowed, PosixFilePermissions.fromString("rw-rw-rw-"));
        assertRefused(resolver, allowed + " may be written by its group or others (rw-rw-rw-; chmod go-w " + allowed + ")");
        Files.setPosixFilePermissions(allowed, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(etc, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertRefused(resolver, etc + " may be written by its group or others (rwxrwxrwx; chmod go-w " + etc + ")");
        Files.setPosixFilePermissions(etc, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setAttribute(allowed, "unix:uid", 65534);
        assertRefused(resolver, allowed + " is owned by uid 65534, not root (chown root " + allowed + ")");
        Files.setAttribute(allowed, "unix:uid", 0);
        Files.writeString(allowed, "\nnot a digest\n", java.nio.file.StandardOpenOption.APPEND);
        assertRefused(resolver, allowed + ":4: not \"SHA256HEX  name\"");
        allow(resolver.apply());
        Path elsewhere = dir.resolve("elsewhere");
        Files.move(allowed, elsewhere);
        Files.createSymbolicLink(allowed, elsewhere);
        assertRefused(resolver, allowed + " is not a plain file");

        Files.delete(allowed);
        Files.move(elsewhere, allowed);
        assertTrue(privilege.apply(LEVEL, SERVICE, resolver).passed(), "mended, the same ops runs it");
        assertTrue(Files.exists(dir.resolve("applied")));
    }

    void assertRefused(SudoHook hook, String why) throws Exception {
        HookStep s = privilege.apply(LEVEL, SERVICE, hook);
        assertNotNull(s.failure(), s.toString());
        assertTrue(s.failure().startsWith("apply refused by zed ops: every sudo apply is refused: " + why), s.failure());
        assertFalse(Files.exists(dir.resolve("applied")), "nothing ran: " + why);
    }

    @Test
    void anApplyPastItsDeadlineIsKilledAndSaysSo() throws Exception {
        String hung = "sleep 600 & echo $! > " + at("sleep.pid") + "; echo 'waiting for the lock' >&2; wait";
        allow(hung);
        SudoApply quick = new SudoApply(allowed, Duration.ofSeconds(1));
        var req = new SudoRequest(LEVEL, SERVICE, "hung", hung).json();
        quick.check(req);

        var answer = quick.run(req);

        assertEquals("apply timed out after 1s and was killed: waiting for the lock", answer.get("failure").asText(), answer.toString());
        long sleep = Long.parseLong(Files.readString(dir.resolve("sleep.pid")).strip());
        Await.until("the hung apply's sleep " + sleep + " is gone", () -> ProcessHandle.of(sleep).filter(ProcessHandle::isAlive).isEmpty());
    }
}
