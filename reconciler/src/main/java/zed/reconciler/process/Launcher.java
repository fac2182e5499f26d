package zed.reconciler.process;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Starts services so that they outlive the Zed node: in a session and process group of their own ({@code setsid}),
 * stdin from /dev/null, stdout and stderr appended to files. Stops them group-wide: SIGTERM, a grace period, then
 * SIGKILL.
 */
public final class Launcher {
    /** setsid(1) makes the child a session and group leader before exec, so its pid is its group id. */
    private static final String SETSID = Files.isExecutable(Path.of("/usr/bin/setsid")) ? "/usr/bin/setsid" : "setsid";

    /** @param exit the exit code, for a process this JVM started (null for an adopted one) */
    public record Started(long pid, String startTime, java.util.concurrent.CompletableFuture<Integer> exit) {
    }

    /** The service could not be started; the message names the service. */
    public static final class LaunchError extends RuntimeException {
        public LaunchError(String message) {
            super(message);
        }
    }

    public Started start(Launch l) {
        try {
            Files.createDirectories(l.logDir());
        } catch (IOException e) {
            throw new LaunchError(l.service() + ": cannot create its log directory " + l.logDir() + ": " + e.getMessage());
        }
        if (!Files.isDirectory(l.workdir())) throw new LaunchError(l.service() + ": its working directory " + l.workdir() + " does not exist");
        if (!executable(l.argv().get(0), l.env().get("PATH"))) {
            throw new LaunchError(l.service() + ": cannot start: \"" + l.argv().get(0) + "\" is not an executable file"
                    + (l.argv().get(0).contains("/") ? "" : " on PATH"));
        }
        List<String> argv = new ArrayList<>();
        argv.add(SETSID);
        argv.addAll(l.argv());
        ProcessBuilder pb = new ProcessBuilder(argv).directory(l.workdir().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(LogFiles.stdout(l.logDir()).toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(LogFiles.stderr(l.logDir()).toFile()));
        pb.environment().clear();
        pb.environment().putAll(l.env());
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new LaunchError(l.service() + ": cannot start " + l.argv().get(0) + ": " + e.getMessage());
        }
        // a process that dies at once may be reaped before its start time is read: it started, and exited
        String token = StartTime.of(p.pid()).orElse("exited-at-once");
        return new Started(p.pid(), token, p.onExit().thenApply(Process::exitValue));
    }

    /** Whether a command exists: an executable path, or a name found on PATH. */
    static boolean executable(String cmd, String path) {
        if (cmd.contains("/")) return Files.isExecutable(Path.of(cmd)) && !Files.isDirectory(Path.of(cmd));
        for (String dir : (path == null ? "/usr/local/bin:/usr/bin:/bin" : path).split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, cmd)) && !Files.isDirectory(Path.of(dir, cmd))) return true;
        }
        return false;
    }

    /**
     * SIGTERM to the whole group and to every descendant, up to {@code grace} to go, then SIGKILL. Returns whether it
     * went on SIGTERM. The descendants matter: a process that started its own session (a jail's sandbox: bwrap runs
     * the command with {@code --new-session}; a daemon that detached) is not in the group, and would outlive a stop.
     */
    public boolean stop(long pid, String startTime, Duration grace) {
        if (!StartTime.same(pid, startTime)) return true; // already gone (or the pid is someone else's now)
        ProcessHandle h = ProcessHandle.of(pid).orElse(null);
        if (h == null) return true;
        List<ProcessHandle> descendants = h.descendants().toList();
        signal("TERM", pid);
        descendants.forEach(ProcessHandle::destroy);
        try {
            h.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
            if (awaitGone(descendants, grace)) return true;
            descendants.forEach(ProcessHandle::destroyForcibly);
            return false;
        } catch (TimeoutException e) {
            signal("KILL", pid);
            descendants.forEach(ProcessHandle::destroyForcibly);
            try {
                h.onExit().get(10, TimeUnit.SECONDS);
            } catch (TimeoutException | ExecutionException again) {
                throw new LaunchError("pid " + pid + " survived SIGKILL for 10s");
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
            return false;
        } catch (ExecutionException e) {
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Whether every one of them exited within {@code grace}. */
    private static boolean awaitGone(List<ProcessHandle> processes, Duration grace) {
        long deadline = System.nanoTime() + grace.toNanos();
        for (ProcessHandle p : processes) {
            long left = deadline - System.nanoTime();
            try {
                if (left <= 0) return !p.isAlive() && processes.stream().noneMatch(ProcessHandle::isAlive);
                p.onExit().get(left, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                return false;
            } catch (ExecutionException e) {
                // it is gone
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** kill(1) on the negative pid: the whole process group, children of the service included. */
    private static void signal(String sig, long pid) {
        try {
            Process k = new ProcessBuilder("kill", "-" + sig, "--", "-" + pid).redirectErrorStream(true).start();
            k.getInputStream().readAllBytes();
            k.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new LaunchError("cannot signal pid " + pid + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
