package zed.reconciler.process;

import org.junit.jupiter.api.Test;
import zed.reconciler.host.Await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** When a process counts as gone: what a stop waits for before the next start may take its port. */
class ProcessTreeTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    @Test
    void aProcessWhoseFirstThreadHasExitedStillRuns() throws Exception {
        assumeTrue(Proc.linux(), "reads /proc");
        // python3 makes a process whose first thread exits before the others; .ci/run installs it, so it never skips
        assertTrue(Files.isExecutable(PYTHON), "python3 is missing: install it (.ci/run does)");
        // the main thread leaves by pthread_exit; a second one lives on until stdin ends. /proc shows the first
        // thread as a zombie all that time, while the process still holds its files
        Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import threading, ctypes, sys\n"
                + "threading.Thread(target=sys.stdin.read).start()\n"
                + "ctypes.CDLL(None).pthread_exit(None)\n").redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            Await.until("the first thread shows as a zombie", () -> Proc.zombie(p.pid()));
            assertTrue(ProcessTree.running(p.toHandle()), "a live thread: it still runs");
            p.getOutputStream().close();
            assertTrue(p.waitFor(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS));
        } finally {
            p.destroyForcibly();
        }
    }
}
