package zed.reconciler.jail;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Whether real bubblewrap sandboxes can run here. Without them the bwrap tests skip; with {@code ZED_REQUIRE_BWRAP=1}
 * (CI sets it) they fail instead, so that a CI image without bwrap cannot pass by skipping.
 */
public final class Bwrap {
    private static Boolean works;

    private Bwrap() {
    }

    public static void require() {
        if (works()) return;
        String why = "bubblewrap cannot run a sandbox here (" + BwrapJail.locate() + ")";
        if ("1".equals(System.getenv("ZED_REQUIRE_BWRAP"))) throw new AssertionError(why + ", but ZED_REQUIRE_BWRAP=1: install bubblewrap");
        Assumptions.assumeTrue(false, why);
    }

    /** Tried once: a sandbox with its own pid namespace that runs {@code true}. */
    private static synchronized boolean works() {
        if (works == null) {
            Path bwrap = BwrapJail.locate();
            try {
                Process p = new ProcessBuilder(bwrap.toString(), "--ro-bind", "/", "/", "--unshare-pid", "--proc", "/proc", "--dev", "/dev", "true")
                        .redirectErrorStream(true).start();
                works = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
                p.destroyForcibly();
            } catch (IOException e) {
                works = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                works = false;
            }
        }
        return works;
    }
}
