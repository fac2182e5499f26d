package zed.reconciler.process;

import jnr.constants.platform.Signal;

/**
 * Signals to a whole process group, by kill(2) on the negative group id. A call rather than kill(1) as a process: no
 * program to find, no process to wait for. The numbers are the kernel's own, from jnr-constants.
 */
final class Signals {
    static final int TERM = Signal.SIGTERM.intValue();
    static final int KILL = Signal.SIGKILL.intValue();
    static final int USR1 = Signal.SIGUSR1.intValue();

    private Signals() {
    }

    /** @return whether any process got it; false when the group is gone or not ours to signal */
    static boolean group(long pgid, int signal) {
        // kill(-1) would signal every process we may signal, and kill(0) our own group: never let those through
        if (pgid <= 1) throw new IllegalArgumentException("not a process group of a service: " + pgid);
        return Libc.posix().kill(-pgid, signal) == 0;
    }

    /** @return whether the process got it; false when it is gone or not ours to signal */
    static boolean process(long pid, int signal) {
        if (pid <= 1) throw new IllegalArgumentException("not a process Zed started: " + pid);
        return Libc.posix().kill(pid, signal) == 0;
    }
}
