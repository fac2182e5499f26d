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
 * Starts services so that they outlive the Zed node: each in a process group of its own ({@link Spawn}), stdin from
 * /dev/null, stdout and stderr appended to files. Stops them group-wide: SIGTERM, a grace period, then SIGKILL.
 */
public final class Launcher {
    /** How long a process may take to vanish after SIGKILL before we call it stuck. */
    private static final Duration AFTER_KILL = Duration.ofSeconds(10);

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
    private final java.util.concurrent.locks.ReentrantReadWriteLock gate = new java.util.concurrent.locks.ReentrantReadWriteLock();
    private volatile String refused;

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
            return spawn(l);
        } finally {
            gate.readLock().unlock();
        }
    }

    private Started spawn(Launch l) {
        try {
            Files.createDirectories(l.logDir());
        } catch (IOException e) {
            throw new LaunchError(l.service() + ": cannot create its log directory " + l.logDir() + ": " + e.getMessage());
        }
        if (!Files.isDirectory(l.workdir())) throw new LaunchError(l.service() + ": its working directory " + l.workdir() + " does not exist");
        String program = l.argv().get(0);
        Path resolved = executable(program, l.env().get("PATH"), l.workdir()).orElseThrow(() -> new LaunchError(
                l.service() + ": cannot start: \"" + program + "\" is not an executable file" + (program.contains("/") ? "" : " on PATH")));
        List<String> argv = new ArrayList<>(l.argv());
        argv.set(0, resolved.toString());
        Spawn.Spawned p;
        try {
            p = new Spawn(argv, l.env(), l.workdir(), LogFiles.stdout(l.logDir()), LogFiles.stderr(l.logDir()), l.as()).start();
        } catch (CannotStart e) {
            throw new LaunchError(l.service() + ": cannot start " + program + ": " + e.reason());
        }
        // a process that dies at once may be reaped before its start time is read: it started, and exited
        String token = StartTime.of(p.pid()).orElse("exited-at-once");
        return new Started(p.pid(), token, p.exit());
    }

    /**
     * Where a command is, as the service would find it: a path (a relative one from its working directory), or a name
     * searched on the service's own PATH. Absolute, because the spawn would otherwise search the JVM's PATH.
     */
    static Optional<Path> executable(String cmd, String path, Path workdir) {
        if (cmd.contains("/")) return Optional.of(workdir.resolve(cmd).toAbsolutePath()).filter(Launcher::runnable);
        for (String dir : (path == null ? "/usr/local/bin:/usr/bin:/bin" : path).split(":")) {
            if (dir.isEmpty()) continue;
            Path candidate = workdir.resolve(dir).resolve(cmd).toAbsolutePath();
            if (runnable(candidate)) return Optional.of(candidate);
        }
        return Optional.empty();
    }

    private static boolean runnable(Path p) {
        return Files.isExecutable(p) && !Files.isDirectory(p);
    }

    /**
     * SIGUSR1 to the process Zed started, and to it alone (a job asked to checkpoint): its children keep the default
     * action of SIGUSR1, which ends a process, so the group is not signalled. A kill(2) call through the same libc
     * binding as {@link #stop}, not kill(1) in a subprocess: nothing to find on PATH, nothing to wait for. Returns
     * whether it was sent; false when the process is gone (or its pid is someone else's now).
     */
    public boolean signalUsr1(long pid, String startTime) {
        if (!StartTime.same(pid, startTime)) return false;
        return Signals.process(pid, Signals.USR1);
    }

    /**
     * SIGTERM to the whole group and to every descendant, up to {@code grace} for them to go, then SIGKILL. Returns
     * whether they went on SIGTERM. The descendants matter: a process that started its own session (a jail's sandbox:
     * bwrap runs the command with {@code --new-session}; a daemon that detached) is not in the group, and would
     * outlive a stop.
     */
    public boolean stop(long pid, String startTime, Duration grace) {
        if (!StartTime.same(pid, startTime)) return true; // already gone (or the pid is someone else's now)
        ProcessHandle h = ProcessHandle.of(pid).orElse(null);
        if (h == null) return true;
        ProcessTree.Stopped stopped = ProcessTree.ofGroup(h).stop(grace);
        if (!stopped.onTerm() && !ProcessTree.awaitGone(h, AFTER_KILL) && !Thread.currentThread().isInterrupted()) {
            throw new LaunchError("pid " + pid + " survived SIGKILL for " + AFTER_KILL.toSeconds() + "s");
        }
        return stopped.onTerm();
    }
}
