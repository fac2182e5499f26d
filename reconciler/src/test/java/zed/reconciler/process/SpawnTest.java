package zed.reconciler.process;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.reconciler.host.Await;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Real processes started by posix_spawn, looked at through Linux's /proc. */
class SpawnTest {
    private static final Map<String, String> ENV = Map.of("PATH", "/usr/bin:/bin");
    private static final String SH = "/bin/sh";

    @TempDir
    Path tmp;
    private final List<Spawn.Spawned> started = new ArrayList<>();

    @BeforeEach
    void onLinux() {
        assumeTrue(Proc.linux(), "reads /proc");
    }

    @AfterEach
    void killLeftovers() {
        for (Spawn.Spawned s : started) ProcessHandle.of(s.pid()).ifPresent(ProcessHandle::destroyForcibly);
    }

    private Spawn.Spawned spawn(Path dir, String... argv) throws Exception {
        Spawn.Spawned s = new Spawn(List.of(argv), ENV, dir, tmp.resolve("out.log"), tmp.resolve("err.log")).start();
        started.add(s);
        return s;
    }

    private static int exitOf(Spawn.Spawned s) throws Exception {
        return s.exit().get(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }

    private String log(String name) throws Exception {
        return Files.readString(tmp.resolve(name));
    }

    @Test
    void theProcessLeadsAGroupOfItsOwnAndIsTheJvmsChildRunningTheCommand() throws Exception {
        Spawn.Spawned s = spawn(tmp, SH, "-c", "exec sleep 300");
        long pid = s.pid();
        Await.until("the command runs in place of the shell that changed directory",
                () -> Proc.argv(pid).equals(List.of("sleep", "300")));
        assertEquals(pid, Proc.group(pid), "its own process group");
        assertEquals(ProcessHandle.current().pid(), Proc.parent(pid), "no setsid or other process in between");
    }

    @Test
    void withoutADirectoryTheCommandIsStartedItself() throws Exception {
        Spawn.Spawned s = spawn(null, "/bin/sleep", "300");
        // posix_spawn may return while the kernel is still setting up the new program's arguments
        Await.until("the command runs", () -> Proc.argv(s.pid()).equals(List.of("/bin/sleep", "300")));
        assertEquals(s.pid(), Proc.group(s.pid()));
    }

    @Test
    void theExitFutureHasTheExitCodeAndNoZombieIsLeft() throws Exception {
        Spawn.Spawned s = spawn(tmp, SH, "-c", "exit 3");
        assertEquals(3, exitOf(s));
        assertFalse(Proc.zombie(s.pid()), "reaped");
    }

    @Test
    void aKilledProcessExitsWith128PlusTheSignal() throws Exception {
        Spawn.Spawned s = spawn(null, "/bin/sleep", "300");
        ProcessHandle.of(s.pid()).orElseThrow().destroyForcibly();
        assertEquals(128 + 9, exitOf(s));
        assertFalse(Proc.zombie(s.pid()), "reaped");
    }

    @Test
    void outputIsAppendedToLogsOnlyTheOwnerCanRead() throws Exception {
        Files.writeString(tmp.resolve("err.log"), "earlier\n");
        Spawn.Spawned s = spawn(null, SH, "-c", "cat; echo out; echo err >&2");
        assertEquals(0, exitOf(s), "stdin is empty: cat ends at once");
        assertEquals("out\n", log("out.log"));
        assertEquals("earlier\nerr\n", log("err.log"), "appended");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("out.log"))));
    }

    @Test
    void oneFileCanTakeBothOutputs() throws Exception {
        Spawn.Spawned s = new Spawn(List.of(SH, "-c", "echo one; echo two >&2; echo three"), ENV, null, tmp.resolve("both.log"), tmp.resolve("both.log")).start();
        started.add(s);
        assertEquals(0, exitOf(s));
        assertEquals("one\ntwo\nthree\n", log("both.log"));
    }

    @Test
    void theWorkingDirectoryAndAwkwardArgumentsSurviveTheShell() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("a dir with 'single' \"double\" $HOME and -dash"));
        Spawn.Spawned s = spawn(dir, SH, "-c", "pwd; for a in \"$@\"; do printf '[%s]\\n' \"$a\"; done", "name",
                "two words", "it's", "\"quoted\"", "$PATH", "*", "-n", "");
        assertEquals(0, exitOf(s));
        assertEquals(dir.toRealPath() + "\n[two words]\n[it's]\n[\"quoted\"]\n[$PATH]\n[*]\n[-n]\n[]\n", log("out.log"));
    }

    @Test
    void theJvmsDescriptorsAreNotInherited() throws Exception {
        try (ServerSocket listening = new ServerSocket(0)) {
            Spawn.Spawned s = spawn(tmp, SH, "-c", "ls /proc/$$/fd");
            assertEquals(0, exitOf(s));
            assertEquals("0\n1\n2\n", log("out.log"), "a service must not hold the node's sockets or files: " + listening);
        }
    }

    /**
     * A descriptor another thread opens while a service starts (the pipe through which the JDK learns that a zfs
     * command started, a socket the node accepts) must not reach the service either: one held by a service keeps the
     * JDK waiting for ever in ProcessBuilder.start, or a client waiting for the end of its answer.
     */
    @Test
    void descriptorsOpenedWhileAServiceStartsAreNotInheritedEither() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread opener = new Thread(() -> {
            while (!stop.get()) {
                try {
                    java.nio.channels.Pipe pipe = java.nio.channels.Pipe.open();
                    pipe.sink().close();
                    pipe.source().close();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        });
        opener.start();
        try {
            for (int i = 0; i < 300; i++) {
                Path out = tmp.resolve("fds-" + i);
                Spawn.Spawned s = new Spawn(List.of(SH, "-c", "ls /proc/$$/fd"), ENV, null, out, out).start();
                started.add(s);
                assertEquals(0, exitOf(s));
                assertEquals("0\n1\n2\n", Files.readString(out), "start " + i + " inherited a descriptor opened meanwhile");
            }
        } finally {
            stop.set(true);
            opener.join();
        }
    }

    @Test
    void aRelativeProgramIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Spawn(List.of("sleep", "1"), ENV, null, tmp.resolve("o"), tmp.resolve("e")));
    }

    @Test
    void waitStatusesReadAsTheJdkReadsThem() {
        assertEquals(0, Reaper.exitCode(0));
        assertEquals(3, Reaper.exitCode(3 << 8));
        assertEquals(128 + 9, Reaper.exitCode(9));
        assertEquals(128 + 11, Reaper.exitCode(0x80 | 11), "with a core dumped");
    }
}
