package zed.reconciler.process;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.reconciler.host.Await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one runner, with real shells: output, environment, deadlines, the grace between TERM and KILL. */
class SubprocessTest {
    private static final Duration LONG = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    private static Subprocess sh(String script, Duration timeout) {
        return Subprocess.of(List.of("/bin/sh", "-c", script), timeout);
    }

    private long pidIn(String file) {
        return PidFile.await(tmp.resolve(file));
    }

    /** Gone, or a zombie that init has yet to reap: either way it no longer runs. */
    static boolean gone(long pid) {
        return ProcessHandle.of(pid).map(h -> !ProcessTree.running(h)).orElse(true);
    }

    @Test
    void stdoutStderrAndTheExitCodeComeBackApart() throws Exception {
        Subprocess.Result r = sh("echo to out; echo to err >&2; exit 4", LONG).run();
        assertEquals(new Subprocess.Result(4, "to out\n", "to err\n", false, List.of()), r);
    }

    @Test
    void mergedErrorsInterleaveWithStdout() throws Exception {
        Subprocess.Result r = sh("echo one; echo two >&2; echo three", LONG).mergingErrors().run();
        assertEquals("one\ntwo\nthree\n", r.stdout());
        assertEquals("", r.stderr());
    }

    @Test
    void aReplacedEnvironmentIsAllTheCommandSeesAndTheDirectoryIsHonoured() throws Exception {
        Subprocess.Result r = sh("echo \"${ZED_X:-unset} ${HOME:-nohome}\"; pwd", LONG)
                .withEnvironment(Map.of("ZED_X", "x1", "PATH", "/usr/bin:/bin")).withDirectory(tmp).run();
        assertEquals("x1 nohome\n" + tmp.toRealPath() + "\n", r.stdout());
    }

    @Test
    void byDefaultTheEnvironmentIsInherited() throws Exception {
        assertEquals(System.getenv("PATH") + "\n", sh("echo \"$PATH\"", LONG).run().stdout());
    }

    @Test
    void stdinIsEmpty() throws Exception {
        assertEquals("read nothing\n", sh("cat; echo read nothing", LONG).run().stdout());
    }

    @Test
    void theCapKeepsTheLastBytesFromALineStart() throws Exception {
        Subprocess.Result r = sh("i=0; while [ $i -lt 2000 ]; do echo \"line $i\"; i=$((i+1)); done; echo last >&2", LONG).keepingLast(100).run();
        assertTrue(r.stdout().length() <= 100, r.stdout());
        assertTrue(r.stdout().startsWith("line "), "cut at a line start: " + r.stdout());
        assertTrue(r.stdout().endsWith("line 1999\n"), r.stdout());
        assertEquals("last\n", r.stderr(), "each output has its own cap");
    }

    @Test
    void atTheDeadlineTheCommandAndABackgroundChildAreKilled() throws Exception {
        Subprocess.Result r = assertTimeoutPreemptively(LONG, () ->
                sh("sleep 300 & echo $! > " + tmp.resolve("child") + "; echo started; wait", Duration.ofMillis(500)).run());
        assertTrue(r.timedOut());
        assertEquals(128 + 9, r.exit(), "SIGKILL at once: no grace was given");
        assertEquals("started\n", r.stdout(), "what it wrote before the deadline is kept");
        long child = pidIn("child");
        Await.until("the background sleep " + child + " is gone", () -> gone(child));
    }

    @Test
    void aChildLeftRunningAfterANormalExitDoesNotHoldTheRun() throws Exception {
        // with pipes, the sleep would hold stdout open and a reader would wait for it: files do not
        Subprocess.Result r = assertTimeoutPreemptively(Duration.ofSeconds(20), () ->
                sh("sleep 300 & echo $! > " + tmp.resolve("child") + "; echo done", LONG).run());
        long child = pidIn("child");
        try {
            assertEquals(new Subprocess.Result(0, "done\n", "", false, List.of()), r);
        } finally {
            ProcessHandle.of(child).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void withAGraceTheCommandGetsTermFirstAndMayExitOnItsOwn() throws Exception {
        long t0 = System.nanoTime();
        Subprocess.Result r = sh("trap 'echo got TERM; exit 7' TERM; sleep 300 & echo $! > " + tmp.resolve("child") + "; wait", Duration.ofSeconds(1))
                .withGrace(Duration.ofSeconds(20)).run();
        assertTrue(r.timedOut());
        assertEquals(7, r.exit(), "it ran its TERM trap");
        assertEquals("got TERM\n", r.stdout());
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(15).toNanos(), "it did not wait out the grace");
        long child = pidIn("child");
        Await.until("the sleep, which got TERM too, is gone", () -> gone(child));
    }

    @Test
    void aCommandThatIgnoresTermIsKilledAfterTheGrace() throws Exception {
        Duration grace = Duration.ofMillis(700);
        long t0 = System.nanoTime();
        // an ignored signal stays ignored in children: the sleep ignores TERM as well
        Subprocess.Result r = sh("trap '' TERM; sleep 300 & echo $! > " + tmp.resolve("child") + "; wait", Duration.ofMillis(500))
                .withGrace(grace).run();
        assertTrue(r.timedOut());
        assertEquals(128 + 9, r.exit());
        assertTrue(System.nanoTime() - t0 >= Duration.ofMillis(500).plus(grace).toNanos(), "it waited the grace");
        assertEquals(List.of(), r.survivors(), "ours to kill: none survived");
        long child = pidIn("child");
        Await.until("the sleep is gone", () -> gone(child));
    }

    @Test
    void aProgramThatDoesNotExistIsAClearError() {
        CannotStart e = assertThrows(CannotStart.class, () -> Subprocess.of(List.of("/nonexistent/zed-tool", "x"), LONG).run());
        assertEquals("cannot run /nonexistent/zed-tool: No such file or directory", e.getMessage());
        assertEquals("No such file or directory", e.reason());
    }

    @Test
    void manyRunsAtOnceNeedNoCommonPool() throws Exception {
        // every thread of the common pool blocked: a runner that needed it (to drain a pipe, to learn of an exit)
        // would hang here
        CountDownLatch release = new CountDownLatch(1);
        List<Future<?>> blockers = new ArrayList<>();
        for (int i = 0; i < ForkJoinPool.getCommonPoolParallelism() + 2; i++) {
            blockers.add(ForkJoinPool.commonPool().submit(() -> {
                release.await();
                return null;
            }));
        }
        ExecutorService four = Executors.newFixedThreadPool(4);
        try {
            List<Future<Subprocess.Result>> runs = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                String n = Integer.toString(i);
                runs.add(four.submit(() -> sh("echo " + n + "; echo " + n + " >&2", LONG).run()));
            }
            for (int i = 0; i < 50; i++) {
                Subprocess.Result r = runs.get(i).get(LONG.toSeconds(), TimeUnit.SECONDS);
                assertEquals(new Subprocess.Result(0, i + "\n", i + "\n", false, List.of()), r);
            }
        } finally {
            four.shutdownNow();
            release.countDown();
        }
        for (Future<?> b : blockers) b.get(LONG.toSeconds(), TimeUnit.SECONDS);
    }
}
