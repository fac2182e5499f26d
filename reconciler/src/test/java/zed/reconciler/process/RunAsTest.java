package zed.reconciler.process;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.reconciler.host.Await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Services started as an account of their own, with real accounts (useradd, as root) and real processes: the kernel's
 * word (/proc/PID/status) on the uid, gid and groups they run under, and the pid, group and start time the supervisor
 * tracks them by, unchanged by the drop.
 */
class RunAsTest {
    @TempDir
    Path tmp;
    private final Launcher launcher = new Launcher();
    private final List<Long> pids = new ArrayList<>();

    @BeforeEach
    void reachable() throws Exception {
        // JUnit makes it 0700: the service's user must be able to enter its working directory below it
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx--x--x"));
    }

    @AfterEach
    void killLeftovers() {
        for (long pid : pids) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }

    private Launcher.Started start(RunAs as, Path workdir, String script) {
        Launcher.Started s = launcher.start(new Launch("service.exec.t", List.of("sh", "-c", script), Map.of("PATH", "/usr/bin:/bin"), workdir,
                tmp.resolve("log"), as));
        pids.add(s.pid());
        return s;
    }

    @Test
    void itRunsUnderItsUidGidAndGroupsWithNoCapabilityAndKeepsThePidGroupAndStartTimeTheSupervisorTracks() throws Exception {
        RunAs as = Accounts.user();
        long extra = jnr.posix.POSIXFactory.getNativePOSIX().getgrnam(Accounts.EXTRA_GROUP).getGID();
        Path home = Files.createDirectories(tmp.resolve("home"));
        Files.setAttribute(home, "unix:uid", (int) as.uid());
        Launcher.Started s = start(as, home, "echo $$ > pid; exec sleep 300");
        long written = PidFile.await(home.resolve("pid"));

        assertEquals(s.pid(), written, "setpriv and sh exec: the service is the very process spawned");
        assertEquals(s.pid(), Proc.group(s.pid()), "it leads its own process group");
        assertTrue(StartTime.same(s.pid(), s.startTime()), "the start time stamped is the service's");
        Map<String, List<Long>> ids = Accounts.ids(s.pid());
        assertEquals(List.of(as.uid(), as.uid(), as.uid(), as.uid()), ids.get("Uid"), "real, effective, saved and fs uid");
        assertEquals(List.of(as.gid(), as.gid(), as.gid(), as.gid()), ids.get("Gid"));
        assertTrue(ids.get("Groups").contains(extra), "its supplementary groups are set: " + ids);
        assertTrue(!ids.get("Groups").contains(0L), "root's group is not kept: " + ids);
        assertTrue(Files.readString(Path.of("/proc", Long.toString(s.pid()), "status")).contains("CapEff:\t0000000000000000"));
        assertEquals(as.uid(), ((Number) Files.getAttribute(home.resolve("pid"), "unix:uid")).longValue(), "what it writes is its own");

        assertTrue(launcher.stop(s.pid(), s.startTime(), Duration.ofSeconds(20)), "the node stops it as before");
        assertEquals(128 + 15, s.exit().get(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS));
    }

    @Test
    void itEntersItsWorkingDirectoryAsItsUserSoOneItCannotEnterFailsTheStart() throws Exception {
        RunAs as = Accounts.user();
        Path closed = Files.createDirectories(tmp.resolve("closed"));
        Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx------"));
        Launcher.Started s = start(as, closed, "exec sleep 300");
        assertEquals(127, s.exit().get(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS));
        assertTrue(Files.readString(LogFiles.stderr(tmp.resolve("log"))).contains("closed"), "the shell says which directory it could not enter");
    }

    @Test
    void aUserThatDoesNotExistFailsTheStartNamingItAndNeverFallsBackToRoot() {
        Accounts.requireRoot();
        Launcher.LaunchError e = assertThrows(Launcher.LaunchError.class, () -> HostUsers.lookup("service.exec.t", "zedtest-nosuch", null));
        assertEquals("service.exec.t: user \"zedtest-nosuch\" does not exist on this host; nothing was started (create it, or name another user)", e.getMessage());
        Launcher.LaunchError g = assertThrows(Launcher.LaunchError.class, () -> HostUsers.lookup("service.exec.t", "root", "zedtest-nosuch"));
        assertTrue(g.getMessage().contains("group \"zedtest-nosuch\" does not exist"), g.getMessage());
    }

    @Test
    void theDropNamesNumbersAndKeepsNoCapabilityUnlessAJailAsksForLowPorts() {
        RunAs as = new RunAs("www", 1001, "www", 1002, List.of(1002L, 27L), "/var/www");
        assertEquals(List.of("/usr/bin/setpriv", "--reuid=1001", "--regid=1002", "--groups=1002,27", "--inh-caps=-all", "--ambient-caps=-all", "--"),
                as.dropTo("/usr/bin/setpriv", false));
        RunAs alone = new RunAs("www", 1001, "www", 1002, List.of(), "/var/www");
        assertEquals(List.of("/usr/bin/setpriv", "--reuid=1001", "--regid=1002", "--clear-groups", "--inh-caps=-all,+net_bind_service",
                "--ambient-caps=-all,+net_bind_service", "--"), alone.dropTo("/usr/bin/setpriv", true));
    }
}
