package zed.reconciler.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Services started by this process: each in a process group of its own ({@link Spawn}), stdin from /dev/null, stdout
 * and stderr appended to files in its launch's log directory; stopped group-wide, SIGTERM, a grace period, SIGKILL.
 * The single-process mode's (root), and zed ops's own for the agent it serves.
 */
public final class LocalProcesses implements Processes {
    /** How long a process may take to vanish after SIGKILL before we call it stuck. */
    private static final Duration AFTER_KILL = Duration.ofSeconds(10);

    @Override
    public Launcher.Started start(Launch l) {
        try {
            Files.createDirectories(l.logDir());
        } catch (IOException e) {
            throw new Launcher.LaunchError(l.service() + ": cannot create its log directory " + l.logDir() + ": " + e.getMessage());
        }
        return spawn(l, l.logDir());
    }

    /** Spawns the launch with its logs in {@code logs}, which exists. */
    public Launcher.Started spawn(Launch l, Path logs) {
        if (!Files.isDirectory(l.workdir())) throw new Launcher.LaunchError(l.service() + ": its working directory " + l.workdir() + " does not exist");
        String program = l.argv().get(0);
        Path resolved = executable(program, l.env().get("PATH"), l.workdir()).orElseThrow(() -> new Launcher.LaunchError(
                l.service() + ": cannot start: \"" + program + "\" is not an executable file" + (program.contains("/") ? "" : " on PATH")));
        List<String> argv = new ArrayList<>(l.argv());
        argv.set(0, resolved.toString());
        Spawn.Spawned p;
        try {
            p = new Spawn(argv, l.env(), l.workdir(), LogFiles.stdout(logs), LogFiles.stderr(logs), l.as()).start();
        } catch (CannotStart e) {
            throw new Launcher.LaunchError(l.service() + ": cannot start " + program + ": " + e.reason());
        }
        // a process that dies at once may be reaped before its start time is read: it started, and exited
        String token = StartTime.of(p.pid()).orElse("exited-at-once");
        return new Launcher.Started(p.pid(), token, p.exit());
    }

    /**
     * Where a command is, as the service would find it: a path (a relative one from its working directory), or a name
     * searched on the service's own PATH. Absolute, because the spawn would otherwise search the JVM's PATH.
     */
    static Optional<Path> executable(String cmd, String path, Path workdir) {
        if (cmd.contains("/")) return Optional.of(workdir.resolve(cmd).toAbsolutePath()).filter(LocalProcesses::runnable);
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

    /** A kill(2) call through the C library binding, not kill(1) in a subprocess: nothing to find on PATH or wait for. */
    @Override
    public boolean usr1(long pid, String startTime) {
        if (!StartTime.same(pid, startTime)) return false;
        return Signals.process(pid, Signals.USR1);
    }

    /**
     * The descendants matter: a process that started its own session (a jail's sandbox: bwrap runs the command with
     * {@code --new-session}; a daemon that detached) is not in the group, and would outlive a stop.
     */
    @Override
    public boolean stop(long pid, String startTime, Duration grace) {
        if (!StartTime.same(pid, startTime)) return true; // already gone (or the pid is someone else's now)
        ProcessHandle h = ProcessHandle.of(pid).orElse(null);
        if (h == null) return true;
        ProcessTree.Stopped stopped = ProcessTree.ofGroup(h).stop(grace);
        if (!stopped.onTerm() && !ProcessTree.awaitGone(h, AFTER_KILL) && !Thread.currentThread().isInterrupted()) {
            throw new Launcher.LaunchError("pid " + pid + " survived SIGKILL for " + AFTER_KILL.toSeconds() + "s");
        }
        return stopped.onTerm();
    }

    @Override
    public Optional<StampedProcess> leader(LaunchToken token) {
        return Launched.leader(token).flatMap(h -> StartTime.of(h.pid()).map(started -> new StampedProcess(h.pid(), started, true)));
    }

    @Override
    public void giveHome(String ref, String dataset, Path home, RunAs as) {
        Home.give(ref, as, home);
    }

    @Override
    public Path logDir(Launch launch) {
        return launch.logDir();
    }

    @Override
    public void rotateLogs(Launch launch, long cap, int keep) {
        rotate(launch.logDir(), cap, keep);
    }

    /** Both logs of a directory; a log that cannot rotate grows until the next try. */
    public static void rotate(Path dir, long cap, int keep) {
        try {
            LogFiles.rotate(LogFiles.stdout(dir), cap, keep);
            LogFiles.rotate(LogFiles.stderr(dir), cap, keep);
        } catch (IOException e) {
            // no reason to stop a service
        }
    }
}
