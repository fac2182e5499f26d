package zed.reconciler.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code health "exec"} running real commands through sh. */
class ExecProbeTest {
    private final FakeClock clock = new FakeClock().at(3);

    @TempDir
    Path dir;

    private ProbeResult run(String script, Duration timeout) {
        return new ExecProbe(List.of("sh", "-c", script), timeout).run(clock);
    }

    @Test
    void exitZeroPasses() {
        assertEquals(ProbeResult.passed("exit 0", FakeClock.t(3)), run("exit 0", Duration.ofSeconds(5)));
    }

    @Test
    void anotherExitCodeFails() {
        assertEquals(ProbeResult.failed("exit 3", FakeClock.t(3)), run("exit 3", Duration.ofSeconds(5)));
    }

    @Test
    void aFailureQuotesTheLastLineTheCommandPrinted() {
        assertEquals(ProbeResult.failed("exit 1: database is locked", FakeClock.t(3)),
                run("echo checking the database; echo database is locked >&2; echo; exit 1", Duration.ofSeconds(5)));
    }

    @Test
    void aCommandPastItsTimeoutIsKilledWithItsChildren() throws Exception {
        Path pids = dir.resolve("pids");
        // the shell and a sleep it started; the shell waits for it
        ProbeResult result = run("sleep 60 & echo $$ $! > " + pids + "; wait", Duration.ofMillis(500));
        assertEquals(ProbeResult.failed("timed out after 500ms", FakeClock.t(3)), result);
        for (String pid : Files.readString(pids).trim().split(" ")) awaitGone(Long.parseLong(pid));
    }

    @Test
    void aProgramThatDoesNotExistFailsSayingSo() {
        ProbeResult result = new ExecProbe(List.of("/nonexistent/zed-check"), Duration.ofSeconds(1)).run(clock);
        assertEquals(ProbeResult.failed("cannot run /nonexistent/zed-check: No such file or directory", FakeClock.t(3)), result);
    }

    @Test
    void theCommandReadsNothingFromUs() {
        // stdin is /dev/null: a command that reads it sees end of input at once instead of hanging
        assertEquals(ProbeResult.passed("exit 0", FakeClock.t(3)), run("cat >/dev/null", Duration.ofSeconds(5)));
    }

    /** Gone, or a zombie nobody has reaped yet (in a container, init may never reap): either way it no longer runs. */
    private static void awaitGone(long pid) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plusSeconds(10);
        while (Instant.now().isBefore(deadline)) {
            if (!running(pid)) return;
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos()); // a pause between looks, not a wait for the answer
        }
        assertTrue(!running(pid), "process " + pid + " still runs 10s after the timeout");
    }

    private static boolean running(long pid) throws IOException {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        if (Files.exists(Path.of("/proc/self/stat"))) {
            try {
                String s = Files.readString(stat);
                char state = s.charAt(s.lastIndexOf(')') + 2);
                return state != 'Z' && state != 'X';
            } catch (java.nio.file.NoSuchFileException e) {
                return false;
            }
        }
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
