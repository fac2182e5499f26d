package zed.reconciler.service;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.config.LevelSpec;
import zed.config.Pos;
import zed.config.Value;
import zed.reconciler.host.Await;
import zed.reconciler.process.Accounts;
import zed.reconciler.process.Launcher;
import zed.reconciler.process.RunAs;
import zed.reconciler.process.ServiceSupervisor;
import zed.reconciler.store.DirStore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A service that names its user, end to end on this host with real accounts (useradd, as root) and real processes:
 * the uid its process runs under, the owner of its rendered files and its home, a change of user restarting it, an
 * unknown user failing its start by name, and root only where declared (or, for now, by default).
 */
class ServiceUserTest {
    static final Pos P = new Pos("Zedfile", 1, 1);
    @TempDir
    Path tmp;
    DirStore store;
    final List<Long> pids = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        // JUnit makes it 0700: a service's user must reach its home below it
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx--x--x"));
        Files.createDirectories(tmp.resolve("home"));
        store = new DirStore(tmp.resolve("store"));
        store.create("apps", Map.of()); // the parent of the service's dataset, as the level's datasets converge first
    }

    @AfterEach
    void cleanUp() {
        for (long pid : pids) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }

    LevelSpec.ServiceSpec web(String user) {
        LevelSpec.FileSpec conf = new LevelSpec.FileSpec("conf", tmp.resolve("etc/web.conf").toString(), new Value.Str("token = 1\n"), "0600", P);
        return new LevelSpec.ServiceSpec("exec", "web", "apps/web", null, "1.0", Map.of(), Map.of(), List.of(conf),
                new LevelSpec.Runtime(List.of("sleep", "300"), List.of()), LevelSpec.RestartPolicy.DEFAULT, List.of(), null, List.of(), null, null,
                null, null, tmp.resolve("home").toString(), user, null, P); // its dataset's mountpoint is its home
    }

    ServiceRun run(LevelSpec.ServiceSpec spec) {
        return run(spec, ServiceRun.DEFAULT_USER);
    }

    /** As the node starts it, with the agent's --service-user. */
    ServiceRun run(LevelSpec.ServiceSpec spec, String serviceUser) {
        LevelSpec level = new LevelSpec("shop", "shop", null, "Zedfile", tmp.toString(), null, null, List.of(), LevelSpec.SnapshotPolicy.DEFAULT,
                new LevelSpec.UpdatePolicy(Duration.ofMillis(100), Duration.ofSeconds(60), true, 1), List.of(), List.of(), List.of(spec), List.of(),
                List.of(), "0", P);
        ServiceRun.Context ctx = new ServiceRun.Context(level, 7, store, "", tmp.resolve("state"), ref -> "unused", System::getenv, null,
                new Launcher(), Clock.systemUTC(), Duration.ofSeconds(5), 0, serviceUser);
        return new ServiceRun(ctx, spec);
    }

    long started(ServiceRun r) {
        r.prepare();
        ServiceRun.Status s = r.supervise();
        assertEquals(ServiceSupervisor.State.RUNNING, s.process().state(), s.toString());
        long pid = s.process().pid();
        pids.add(pid);
        // until setpriv has exec'd the command, the spawned process is setpriv, still root: the service is what runs after
        Await.until("the service's command runs", () -> {
            try {
                return Files.readString(Path.of("/proc", Long.toString(pid), "comm")).strip().equals("sleep");
            } catch (java.io.IOException gone) {
                return false;
            }
        });
        return pid;
    }

    static long uidOf(Path p) throws Exception {
        return ((Number) Files.getAttribute(p, "unix:uid")).longValue();
    }

    @Test
    void aServiceThatNamesNoUserRunsAsTheAgentsServiceUser() throws Exception {
        RunAs as = Accounts.user();
        ServiceRun unnamed = run(web(null), Accounts.USER);
        assertTrue(unnamed.defaultUser());
        long pid = started(unnamed);
        assertEquals(List.of(as.uid(), as.uid(), as.uid(), as.uid()), Accounts.ids(pid).get("Uid"));
        assertEquals(as.uid(), uidOf(tmp.resolve("home")), "its home is its own, as a named user's is");
        unnamed.stop();
        assertEquals(0L, Accounts.ids(started(run(web("root"), Accounts.USER))).get("Uid").get(0), "root where its Zedfile says so");
    }

    @Test
    void aServiceWithoutADatasetIsRefusedTheAgentsServiceUserNamingTheWayOut() {
        Accounts.user();
        LevelSpec.ServiceSpec w = web(null);
        LevelSpec.ServiceSpec noDataset = new LevelSpec.ServiceSpec(w.kind(), w.name(), null, null, "1.0", Map.of(), Map.of(), List.of(),
                w.runtime(), LevelSpec.RestartPolicy.DEFAULT, List.of(), null, List.of(), null, null, null, null, null, null, null, P);
        Launcher.LaunchError e = assertThrows(Launcher.LaunchError.class, () -> run(noDataset, Accounts.USER).prepare());
        assertTrue(e.getMessage().contains("the agent's service-user") && e.getMessage().contains("user = \"root\""), e.getMessage());
    }

    @Test
    void itRunsAsItsUserWhichOwnsItsFilesAndItsHome() throws Exception {
        RunAs as = Accounts.user();
        long pid = started(run(web(Accounts.USER)));
        assertEquals(List.of(as.uid(), as.uid(), as.uid(), as.uid()), Accounts.ids(pid).get("Uid"));
        assertEquals(as.gid(), Accounts.ids(pid).get("Gid").get(0));
        Path conf = tmp.resolve("etc/web.conf");
        assertEquals(as.uid(), uidOf(conf), "its rendered file, which may hold its secrets, is its own");
        assertEquals(as.gid(), ((Number) Files.getAttribute(conf, "unix:gid")).longValue());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(conf)));
        assertEquals(as.uid(), uidOf(tmp.resolve("home")), "its home is its own, so it can write there");
        String environ = Files.readString(Path.of("/proc", Long.toString(pid), "environ")).replace('\0', '\n');
        assertTrue(environ.lines().anyMatch(l -> l.equals("HOME=" + as.home())), "HOME is its own, not root's");
    }

    @Test
    void aChangeOfUserRestartsItAsTheNewUser() throws Exception {
        RunAs first = Accounts.user();
        RunAs second = Accounts.other();
        ServiceRun one = run(web(Accounts.USER));
        long before = started(one);
        ServiceRun two = run(web(Accounts.OTHER)); // the next revision: a new run adopts the process, then replaces it
        long after = started(two);
        assertNotEquals(before, after, "the user is part of the spec: the process was replaced");
        Await.until("the old process is gone", () -> ProcessHandle.of(before).map(h -> !h.isAlive()).orElse(true));
        assertEquals(second.uid(), Accounts.ids(after).get("Uid").get(0));
        assertNotEquals(first.uid(), second.uid());
        assertEquals(second.uid(), uidOf(tmp.resolve("etc/web.conf")), "its file changed hands with it");
    }

    @Test
    void aUserThatDoesNotExistFailsTheStartNamingItAndStartsNothing() throws Exception {
        Accounts.user(); // as root, like the others
        ServiceRun r = run(web("zedtest-nosuch"));
        Launcher.LaunchError e = assertThrows(Launcher.LaunchError.class, r::prepare);
        assertEquals("service.exec.web: user \"zedtest-nosuch\" does not exist on this host; nothing was started (create it, or name another user)",
                e.getMessage());
        assertFalse(r.prepared(), "nothing to supervise: no process, never one as root");
        assertFalse(Files.exists(tmp.resolve("etc/web.conf")), "no file rendered for a service that cannot start");
        assertNull(store.zedState(r.dataset()).get(ServiceSupervisor.PID));
    }

    @Test
    void aHomeItsUserCannotReachFailsTheStartNamingTheClosedDirectory() throws Exception {
        Accounts.user();
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx------")); // as a node's state directory is
        ServiceRun r = run(web(Accounts.USER));
        Launcher.LaunchError e = assertThrows(Launcher.LaunchError.class, r::prepare);
        assertEquals("service.exec.web: user \"" + Accounts.USER + "\" cannot reach its home " + tmp.resolve("home") + ": " + tmp
                + " is closed to it (mode rwx------, owner uid 0); give it a dataset of its own, whose mountpoint is its home", e.getMessage());
        assertFalse(r.prepared());
    }

    @Test
    void aServiceWithAUserAndNoDatasetIsRefusedItsHomeWouldHoldTheNodesLogs() throws Exception {
        RunAs as = Accounts.user();
        LevelSpec.ServiceSpec w = web(Accounts.USER);
        LevelSpec.ServiceSpec noDataset = new LevelSpec.ServiceSpec(w.kind(), w.name(), null, null, w.version(), w.vars(), w.env(), w.files(),
                w.runtime(), w.restart(), w.health(), null, List.of(), null, null, null, null, w.dir(), w.user(), null, P);
        Launcher.LaunchError e = assertThrows(Launcher.LaunchError.class, run(noDataset)::prepare);
        assertEquals("service.exec.web: runs as user \"" + as.user() + "\" but has no dataset of its own to be its home", e.getMessage());
    }

    @Test
    void rootOnlyWhereDeclaredOrForNowByDefault() throws Exception {
        Accounts.user();
        ServiceRun declared = run(web("root"));
        assertFalse(declared.defaultUser());
        assertEquals(0L, Accounts.ids(started(declared)).get("Uid").get(0));
        declared.stop();
        ServiceRun unnamed = run(web(null));
        assertTrue(unnamed.defaultUser(), "the node logs that it runs as the default");
        assertEquals(ServiceRun.DEFAULT_USER, "root");
        assertEquals(0L, Accounts.ids(started(unnamed)).get("Uid").get(0));
    }
}
