package zed.reconciler.process;

import jnr.constants.platform.Errno;

import java.util.concurrent.CompletableFuture;

/**
 * Collects a process that we spawned when it exits: one small daemon thread per process, blocked in waitpid(2) on
 * that pid alone, so that no child of ours is left a zombie and no other waiter's child (the JDK's) is taken.
 */
final class Reaper {
    private static final int EINTR = Errno.EINTR.intValue();
    private static final long STACK_BYTES = 64 * 1024;

    private Reaper() {
    }

    /** @return its exit code, as the JDK gives it: the status it exited with, or 128 + the signal that ended it */
    static CompletableFuture<Integer> watch(long pid) {
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        Thread t = new Thread(null, () -> {
            int[] status = new int[1];
            while (true) {
                long got = Libc.posix().waitpid(pid, status, 0);
                if (got == pid) {
                    exit.complete(exitCode(status[0]));
                    return;
                }
                int errno = Libc.posix().errno();
                if (got < 0 && errno != EINTR) {
                    exit.completeExceptionally(new IllegalStateException("waitpid(" + pid + ") failed: errno " + errno));
                    return;
                }
            }
        }, "zed-reap-" + pid, STACK_BYTES);
        t.setDaemon(true);
        t.start();
        return exit;
    }

    /** The classic wait status, the same on Linux, the BSDs and illumos: low 7 bits the signal, next 8 the exit code. */
    static int exitCode(int status) {
        int signal = status & 0x7f;
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal;
    }
}
