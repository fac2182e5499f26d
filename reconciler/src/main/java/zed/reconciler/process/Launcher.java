package zed.reconciler.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Starts services so that they outlive the Zed node, and stops them, through its {@link Processes} (this process's
 * own, or zed ops); and refuses every start once the node stands down ({@link #refuse}).
 */
public final class Launcher {
    /** @param exit the exit code, for a process this JVM started (null for an adopted one) */
    public record Started(long pid, String startTime, CompletableFuture<Integer> exit) {
    }

    /** The service could not be started; the message names the service. */
    public static final class LaunchError extends RuntimeException {
        public LaunchError(String message) {
            super(message);
        }
    }

    /**
     * Held to read by every start while it checks {@link #refused} and spawns, and to write by {@link #refuse}: once
     * refuse returns, no start is half way, and any later one fails.
     */
    private final Processes processes;
    private final java.util.concurrent.locks.ReentrantReadWriteLock gate = new java.util.concurrent.locks.ReentrantReadWriteLock();
    private volatile String refused;

    /** Services start in this process (the single-process mode). */
    public Launcher() {
        this(new LocalProcesses());
    }

    public Launcher(Processes processes) {
        this.processes = processes;
    }

    /**
     * From now on this launcher starts nothing, and says why ({@code LaunchError}): a node the cluster downed stops the
     * services of its levels with a standby, and no actor of its own, still running, may start one again. Returns once
     * no start is under way, so that a service spawned just before is stamped and found by the stop that follows.
     */
    public void refuse(String why) {
        gate.writeLock().lock();
        try {
            refused = why;
        } finally {
            gate.writeLock().unlock();
        }
    }

    public Started start(Launch l) {
        gate.readLock().lock();
        try {
            if (refused != null) throw new LaunchError(l.service() + ": not started: " + refused);
            return processes.start(l);
        } finally {
            gate.readLock().unlock();
        }
    }

    /**
     * SIGUSR1 to the process Zed started, and to it alone (a job asked to checkpoint): its children keep the default
     * action of SIGUSR1, which ends a process, so the group is not signalled. Returns whether it was sent; false when
     * the process is gone (or its pid is someone else's now).
     */
    public boolean signalUsr1(long pid, String startTime) {
        return processes.usr1(pid, startTime);
    }

    /**
     * SIGTERM to the whole group and to every descendant, up to {@code grace} for them to go, then SIGKILL. Returns
     * whether they went on SIGTERM.
     */
    public boolean stop(long pid, String startTime, Duration grace) {
        return processes.stop(pid, startTime, grace);
    }

    /** The live process a launch token was given to (a node killed before it stamped the pid started it). */
    public Optional<StampedProcess> leader(LaunchToken token) {
        return processes.leader(token);
    }

    /** Where a launch's stdout.log and stderr.log are (through zed ops: in ops's own log directory). */
    public Path logDir(Launch launch) {
        return processes.logDir(launch);
    }

    public void rotateLogs(Launch launch, long cap, int keep) {
        processes.rotateLogs(launch, cap, keep);
    }

    public Processes processes() {
        return processes;
    }
}
