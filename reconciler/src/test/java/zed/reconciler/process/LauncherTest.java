package zed.reconciler.process;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.reconciler.host.Await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Starting and stopping services as process groups, with real shells. */
class LauncherTest {
    @TempDir
    Path tmp;
    private final Launcher launcher = new Launcher();
    private final List<Long> pids = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        for (long pid : pids) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }

    private Launcher.Started start(Map<String, String> env, String... argv) {
        Launcher.Started s = launcher.start(new Launch("service.exec.t", List.of(argv), env, tmp, tmp.resolve("log")));
        pids.add(s.pid());
        return s;
    }

    private long pidIn(String file) {
        long pid = PidFile.await(tmp.resolve(file));
        pids.add(pid);
        return pid;
    }

    @Test
    void stopEndsTheServiceAChildAndAnOrphanLeftInItsGroup() throws Exception {
        // the subshell starts a sleep and exits: that sleep is no longer a descendant, only a member of the group
        Launcher.Started s = start(Map.of("PATH", "/usr/bin:/bin"), "sh", "-c",
                "(sleep 300 & echo $! > orphan); sleep 300 & echo $! > child; wait");
        long orphan = pidIn("orphan");
        long child = pidIn("child");
        Await.until("the orphan has left the tree", () -> ProcessHandle.of(s.pid()).orElseThrow().descendants().noneMatch(d -> d.pid() == orphan));

        assertTrue(launcher.stop(s.pid(), s.startTime(), Duration.ofSeconds(20)), "it went on SIGTERM");

        assertEquals(128 + 15, s.exit().get(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS));
        Await.until("the child is gone", () -> SubprocessTest.gone(child));
        Await.until("the orphan is gone", () -> SubprocessTest.gone(orphan));
    }

    @Test
    void aLauncherThatRefusesStartsNothingAndSaysWhyButStillStops() throws Exception {
        Launcher.Started running = start(Map.of("PATH", "/usr/bin:/bin"), "sleep", "300");

        launcher.refuse("the cluster downed this node");

        Launcher.LaunchError e = org.junit.jupiter.api.Assertions.assertThrows(Launcher.LaunchError.class,
                () -> start(Map.of("PATH", "/usr/bin:/bin"), "sh", "-c", "echo started > started; sleep 300"));
        assertEquals("service.exec.t: not started: the cluster downed this node", e.getMessage());
        org.junit.jupiter.api.Assertions.assertFalse(Files.exists(tmp.resolve("started")), "no process ran");
        assertTrue(launcher.stop(running.pid(), running.startTime(), Duration.ofSeconds(20)), "what it started before still stops");
        assertEquals(128 + 15, running.exit().get(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS));
    }

    @Test
    void theProgramIsFoundOnTheServicesOwnPath() throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("own-bin"));
        Path tool = bin.resolve("zed-own-tool");
        Files.writeString(tool, "#!/bin/sh\necho \"ran with $1 in $(pwd)\"\n");
        tool.toFile().setExecutable(true);
        Launcher.Started s = start(Map.of("PATH", bin + ":/usr/bin:/bin"), "zed-own-tool", "an argument");
        assertEquals(0, s.exit().get(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS));
        assertEquals("ran with an argument in " + tmp.toRealPath() + "\n", Files.readString(LogFiles.stdout(tmp.resolve("log"))));
    }
}
