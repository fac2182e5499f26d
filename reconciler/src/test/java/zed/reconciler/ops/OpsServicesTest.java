package zed.reconciler.ops;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import zed.reconciler.host.Await;
import zed.reconciler.process.Accounts;
import zed.reconciler.process.HostUsers;
import zed.reconciler.process.Launch;
import zed.reconciler.process.LaunchToken;
import zed.reconciler.process.Launcher;
import zed.reconciler.process.RunAs;
import zed.reconciler.store.ProcessCommand;
import zed.reconciler.store.ZfsStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Services started by a real zed ops (its Unix socket, in this JVM, as root) for an agent's {@link OpsProcesses}: the
 * process runs as the user ops allows, with no loader variable reaching the root part of its start, its logs in ops's
 * own directory, its exit code coming back; what ops does not allow, and a process it did not start, are refused and
 * audited; an ops that restarts still knows what it started. Real accounts (useradd) and real processes.
 */
class OpsServicesTest {
    Path dir;
    OpsServer ops;
    Launcher launcher;
    RunAs svc;

    @BeforeEach
    void setUp() throws IOException {
        svc = Accounts.user();
        dir = Files.createTempDirectory("zed-ops-svc");
        // the service's user enters its working directory below it
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        Files.createDirectories(dir.resolve("work"));
        Files.setPosixFilePermissions(dir.resolve("work"), PosixFilePermissions.fromString("rwxr-xr-x"));
        ops = start();
        launcher = new Launcher(new OpsProcesses(ops.socket()));
    }

    OpsServer start() throws IOException {
        OpsServices services = new OpsServices(new ServiceRules(Set.of(Accounts.USER), Set.of()), dir.resolve("logs"), dir.resolve("state/started.json"));
        OpsServer s = new OpsServer(dir.resolve("run/ops.sock"), null, Set.of(), new OpsRules(List.of("zedtest-ops/managed"), List.of()),
                new AuditLog(dir.resolve("audit.log")), p -> ZfsStore.probe(new ProcessCommand(), p), services);
        s.start();
        return s;
    }

    @AfterEach
    void tearDown() throws IOException {
        if (ops != null) ops.close();
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    Launch launch(String script, RunAs as, Map<String, String> extra) {
        Map<String, String> env = new java.util.HashMap<>(Map.of("PATH", "/usr/bin:/bin", LaunchToken.ENV, LaunchToken.fresh().value()));
        env.putAll(extra);
        return new Launch("service.web", List.of("/bin/sh", "-c", script), env, dir.resolve("work"), dir.resolve("level/var/web/log"), as);
    }

    /** Until setpriv has exec'd, the process is setpriv, still root: the service is what runs after. */
    static void awaitCommand(long pid, String comm) {
        Await.until("the service's command runs", () -> {
            try {
                return Files.readString(Path.of("/proc", Long.toString(pid), "comm")).strip().equals(comm);
            } catch (IOException gone) {
                return false;
            }
        });
    }

    @Test
    void aServiceRunsAsItsUserItsLogsAreOpsOwnAndItsExitCodeComesBack() throws Exception {
        Launch l = launch("echo \"uid=$(id -u) lib=$LD_LIBRARY_PATH\"; echo to-stderr >&2; exec sleep 300", svc,
                Map.of("LD_LIBRARY_PATH", "/nonexistent-zed", "API_KEY", "canary-7f3a"));
        Launcher.Started s = launcher.start(l);
        awaitCommand(s.pid(), "sleep");
        assertEquals(List.of(svc.uid(), svc.uid(), svc.uid(), svc.uid()), Accounts.ids(s.pid()).get("Uid"));
        String environ = Files.readString(Path.of("/proc", Long.toString(s.pid()), "environ"));
        assertTrue(environ.contains("LD_LIBRARY_PATH=/nonexistent-zed\0"), "the service has its loader variable back");
        assertFalse(environ.contains("ZED_ENV_"), "and none of its carriers: " + environ.replace('\0', ' '));

        Path logs = launcher.logDir(l);
        assertTrue(logs.startsWith(dir.resolve("logs")), "ops's own log directory, not the agent's: " + logs);
        Await.until("its output is in ops's log", () -> read(logs.resolve("stdout.log")).contains("uid=" + svc.uid() + " lib=/nonexistent-zed"));
        assertEquals("to-stderr\n", read(logs.resolve("stderr.log")));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(logs.resolve("stdout.log"))));
        assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(logs)));
        assertFalse(Files.exists(dir.resolve("level/var/web/log")), "nothing in the directory the agent named");

        assertEquals(s.pid(), launcher.leader(new LaunchToken(l.env().get(LaunchToken.ENV))).orElseThrow().pid(), "found by its launch token");
        String audit = Files.readString(dir.resolve("audit.log"));
        assertTrue(audit.contains("serviceStart") && audit.contains("ok: {\\\"pid\\\":" + s.pid()), audit);
        assertFalse(audit.contains("canary-7f3a"), "the audit log names the environment's variables, never their values");

        assertTrue(launcher.stop(s.pid(), s.startTime(), Duration.ofSeconds(5)), "it went on SIGTERM");
        assertTrue(ProcessHandle.of(s.pid()).isEmpty() || !ProcessHandle.of(s.pid()).get().isAlive());
        assertEquals(143, s.exit().get(10, TimeUnit.SECONDS), "its exit, as ops reaped it");

        Launcher.Started quick = launcher.start(launch("exit 3", svc, Map.of()));
        assertEquals(3, quick.exit().get(30, TimeUnit.SECONDS), "its exit code, on the start's connection");
    }

    @Test
    void whatOpsDoesNotAllowIsRefusedAndAudited() throws Exception {
        Launcher.LaunchError root = assertThrows(Launcher.LaunchError.class, () -> launcher.start(launch("exit 0", null, Map.of())));
        assertTrue(root.getMessage().contains("refused by zed ops") && root.getMessage().contains("root"), root.getMessage());
        RunAs other = Accounts.other();
        Launcher.LaunchError user = assertThrows(Launcher.LaunchError.class, () -> launcher.start(launch("exit 0", other, Map.of())));
        assertTrue(user.getMessage().contains(Accounts.OTHER) && user.getMessage().contains("--service-user"), user.getMessage());
        RunAs extraGroup = HostUsers.lookup("test", Accounts.USER, Accounts.EXTRA_GROUP);
        Launcher.LaunchError group = assertThrows(Launcher.LaunchError.class, () -> launcher.start(launch("exit 0", extraGroup, Map.of())));
        assertTrue(group.getMessage().contains(Accounts.EXTRA_GROUP) && group.getMessage().contains("--service-group"), group.getMessage());

        Process mine = new ProcessBuilder("sleep", "300").start();
        try {
            String started = zed.reconciler.process.StartTime.of(mine.pid()).orElseThrow();
            Launcher.LaunchError notOurs = assertThrows(Launcher.LaunchError.class, () -> launcher.stop(mine.pid(), started, Duration.ofSeconds(1)));
            assertTrue(notOurs.getMessage().contains("not a process zed ops started"), notOurs.getMessage());
            assertTrue(mine.isAlive(), "a process ops did not start is left alone");
        } finally {
            mine.destroyForcibly();
        }
        String audit = Files.readString(dir.resolve("audit.log"));
        for (String refused : List.of(Accounts.OTHER, Accounts.EXTRA_GROUP, "not a process zed ops started", "\"user\":\"root\"")) {
            assertTrue(audit.contains(refused), refused + " in " + audit);
        }
    }

    @Test
    void anOpsThatRestartsStillStopsWhatItStartedAndOnlyThat() throws Exception {
        Launcher.Started s = launcher.start(launch("exec sleep 300", svc, Map.of()));
        awaitCommand(s.pid(), "sleep");
        ops.close();
        ops = start();
        assertTrue(launcher.stop(s.pid(), s.startTime(), Duration.ofSeconds(5)), "the new ops read its table");
        Await.until("it is gone", () -> ProcessHandle.of(s.pid()).map(h -> !h.isAlive()).orElse(true));
    }

    /**
     * zed ops killed -9 between a start's spawn and its table's write: the process runs, and the table lacks it. The
     * window is laid out as that kill leaves it: ops started the process, was closed, and its table put back to what
     * it was before the start (empty), then a new ops started on it. The agent's find by the launch token still finds
     * the process (ops reads the environments), it enters the table, and a stop through ops stops it. A process of a
     * user ops does not start services as, or of root, carrying the same token, is never taken.
     */
    @Test
    void aProcessWhoseEntryAnOpsKilledBeforeItsTableWriteLostIsFoundByItsTokenAndStopped() throws Exception {
        Launch l = launch("exec sleep 300", svc, Map.of());
        LaunchToken token = new LaunchToken(l.env().get(LaunchToken.ENV));
        Launcher.Started s = launcher.start(l);
        List<Long> mine = new java.util.ArrayList<>(List.of(s.pid()));
        try {
            awaitCommand(s.pid(), "sleep");
            ops.close();
            Path table = dir.resolve("state/started.json");
            assertTrue(Files.readString(table).contains("\"pid\":" + s.pid()), Files.readString(table));
            Files.writeString(table, "[]");
            ops = start();

            // the same token in a process of another user (not a --service-user) and in one of root: not ops's to take
            Launch strangers = new Launch("service.web", List.of("/bin/sh", "-c", "exec sleep 300"), l.env(), dir.resolve("work"), dir.resolve("strangers"), Accounts.other());
            Launcher.Started other = new zed.reconciler.process.LocalProcesses().start(strangers);
            mine.add(other.pid());
            ProcessBuilder pb = new ProcessBuilder("sleep", "300");
            pb.environment().put(LaunchToken.ENV, token.value());
            Process root = pb.start();
            mine.add(root.pid());
            awaitCommand(other.pid(), "sleep");
            assertEquals(s.pid(), launcher.leader(token).orElseThrow(() -> new AssertionError("a twin would start: ops found nothing")).pid(),
                    "found by its token, though the table lacked it");
            assertTrue(Files.readString(table).contains("\"pid\":" + s.pid()), "entered in the table: " + Files.readString(table));
            assertFalse(Files.readString(table).contains("\"pid\":" + other.pid()), Files.readString(table));
            assertTrue(launcher.stop(s.pid(), s.startTime(), Duration.ofSeconds(5)), "stopped through ops, on SIGTERM");
            Await.until("it is gone", () -> ProcessHandle.of(s.pid()).map(h -> !h.isAlive()).orElse(true));

            assertTrue(launcher.leader(token).isEmpty(), "the processes of another user and of root that carry it are not found");
            Launcher.LaunchError refused = assertThrows(Launcher.LaunchError.class, () -> launcher.stop(other.pid(), other.startTime(), Duration.ofSeconds(1)));
            assertTrue(refused.getMessage().contains("not a process zed ops started"), refused.getMessage());
            assertTrue(ProcessHandle.of(other.pid()).map(ProcessHandle::isAlive).orElse(false) && root.isAlive(), "and left alone");
        } finally {
            for (long pid : mine) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void aFileRenderedForAServiceIsWrittenAsItsUserWhereItMayWriteAndNowhereElse() throws Exception {
        OpsProcesses files = (OpsProcesses) launcher.processes();
        Path home = Files.createDirectories(dir.resolve("work/home"));
        Files.setAttribute(home, "unix:uid", (int) svc.uid());
        Path conf = home.resolve("conf/app.conf");
        files.writeFile("service.web", svc, conf, "password=canary-f1le\n", "0600");
        assertEquals("password=canary-f1le\n", Files.readString(conf));
        assertEquals(svc.uid(), ((Number) Files.getAttribute(conf, "unix:uid")).longValue(), "its user's, as it wrote it");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(conf)));
        files.writeFile("service.web", svc, conf, "password=two\n", "0640");
        assertEquals("password=two\n", Files.readString(conf), "rewritten in place");
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(conf)));

        Path rootOwned = dir.resolve("work/etc-of-root.conf"); // work is root's: the user may not write there
        Launcher.LaunchError refused = assertThrows(Launcher.LaunchError.class, () -> files.writeFile("service.web", svc, rootOwned, "x", "0600"));
        assertTrue(refused.getMessage().contains("cannot write it"), refused.getMessage());
        assertFalse(Files.exists(rootOwned), "ops wrote nothing as root");

        files.removeFile("service.web", svc, conf);
        assertFalse(Files.exists(conf));
        assertFalse(Files.readString(dir.resolve("audit.log")).contains("canary-f1le"), "the audit log names the file, never its body");
    }

    @Test
    void aJailWhoseRootIsNotAManagedDatasetsMountpointIsRefusedBeforeOpsLaysAnythingOut() throws Exception {
        OpsJails jails = new OpsJails(ops.socket(), new zed.reconciler.jail.BwrapJail(new ProcessCommand(), dir.resolve("agent-jails")));
        zed.config.LevelSpec.JailSpec spec = new zed.config.LevelSpec.JailSpec("web", "jails/web", null, null, null, false, Map.of(), List.of(),
                zed.config.Pos.NONE);
        Path etc = Files.createDirectories(dir.resolve("not-a-dataset"));
        zed.reconciler.jail.JailError e = assertThrows(zed.reconciler.jail.JailError.class,
                () -> jails.ensure(new zed.reconciler.jail.JailSetup(spec, etc, List.of())));
        assertTrue(e.getMessage().contains("is not the mountpoint of a dataset under the managed roots"), e.getMessage());
        try (Stream<Path> laid = Files.list(etc)) {
            assertEquals(0, laid.count(), "nothing laid out as root there");
        }
        assertTrue(Files.readString(dir.resolve("audit.log")).contains("jailEnsure"), "refused and audited");
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }
}
