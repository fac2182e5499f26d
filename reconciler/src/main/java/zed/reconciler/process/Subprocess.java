package zed.reconciler.process;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The one way Zed runs a command to its end or to its deadline: zfs, tar, git, go, health checks, sudo hooks.
 * An argv list (never a shell), stdin from /dev/null, stdout and stderr into temporary files ({@link Capture}), so
 * that no thread has to drain a pipe and a background child left behind cannot hold one open. The caller's thread
 * waits; no pool is involved. At the deadline the command and everything it started are stopped ({@link ProcessTree}).
 *
 * <p>Built from {@link #of} and the {@code with...} methods; each run is independent.
 *
 * @param environment the command's whole environment; null to inherit this JVM's
 * @param directory   its working directory; null for this JVM's
 * @param grace       at the deadline, how long between SIGTERM and SIGKILL; zero sends SIGKILL at once
 * @param keepLast    when positive, only the last this many bytes of each output are kept ({@link Capture#read})
 * @param mergeErrors stderr goes into the stdout file, interleaved as written (the result's stderr is empty)
 * @param input       its standard input, written through a pipe and closed; null for /dev/null. Small (a rendered
 *                    file): written by the caller's thread while the command reads it
 */
public record Subprocess(List<String> argv, Map<String, String> environment, Path directory, Duration timeout, Duration grace,
                         int keepLast, boolean mergeErrors, byte[] input) {
    private static final File NO_INPUT = new File("/dev/null");
    /** After SIGKILL, how long a process of ours may take to be reaped before we stop waiting for its exit code. */
    private static final Duration AFTER_KILL = Duration.ofSeconds(5);

    /**
     * @param exit      the exit code, 128 + the signal for a killed command; -1 when it timed out and could not be killed
     * @param survivors pids of a timed-out command that refused SIGKILL (root processes under sudo) and still run
     */
    public record Result(int exit, String stdout, String stderr, boolean timedOut, List<Long> survivors) {
        public Result {
            survivors = List.copyOf(survivors);
        }
    }

    public Subprocess {
        argv = List.copyOf(argv);
        if (argv.isEmpty()) throw new IllegalArgumentException("a command needs a program");
        environment = environment == null ? null : Map.copyOf(environment);
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(grace, "grace");
    }

    /** The command with this JVM's environment and directory, SIGKILL at the deadline, all of its output kept. */
    public static Subprocess of(List<String> argv, Duration timeout) {
        return new Subprocess(argv, null, null, timeout, Duration.ZERO, 0, false, null);
    }

    /** Replaces the environment: the command sees these variables and no others. */
    public Subprocess withEnvironment(Map<String, String> env) {
        return new Subprocess(argv, env, directory, timeout, grace, keepLast, mergeErrors, input);
    }

    public Subprocess withDirectory(Path dir) {
        return new Subprocess(argv, environment, dir, timeout, grace, keepLast, mergeErrors, input);
    }

    public Subprocess withGrace(Duration g) {
        return new Subprocess(argv, environment, directory, timeout, g, keepLast, mergeErrors, input);
    }

    public Subprocess keepingLast(int bytes) {
        return new Subprocess(argv, environment, directory, timeout, grace, bytes, mergeErrors, input);
    }

    /** Feeds {@code bytes} to its standard input (a secret, never an argument: {@code ps} shows those). */
    public Subprocess withInput(byte[] bytes) {
        return new Subprocess(argv, environment, directory, timeout, grace, keepLast, mergeErrors, bytes.clone());
    }

    public Subprocess mergingErrors() {
        return new Subprocess(argv, environment, directory, timeout, grace, keepLast, true, input);
    }

    /**
     * Runs the command to its end, or to its deadline and then stops it.
     *
     * @throws CannotStart          when it cannot start (a missing program, no room for its output)
     * @throws IOException          when its output cannot be read back
     * @throws InterruptedException when the thread is interrupted; the command is stopped first, as at its deadline
     */
    public Result run() throws IOException, InterruptedException {
        try (Capture out = capture(); Capture err = mergeErrors ? null : capture()) {
            Process p;
            try {
                p = builder(out, err).start();
            } catch (IOException e) {
                throw CannotStart.of(argv.get(0), e);
            }
            if (input != null) {
                try (var in = p.getOutputStream()) {
                    in.write(input);
                } catch (IOException closed) {
                    // it stopped reading (it failed before it read): its exit code says why
                }
            }
            try {
                if (p.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) return result(p.exitValue(), out, err, false, List.of());
            } catch (InterruptedException e) {
                ProcessTree.of(p.toHandle()).stop(grace);
                throw e;
            }
            ProcessTree.Stopped stopped = ProcessTree.of(p.toHandle()).stop(grace);
            // one of ours that got SIGKILL goes at once; one beyond our signals we do not wait for
            if (!stopped.survivors().contains(p.pid())) p.waitFor(AFTER_KILL.toNanos(), TimeUnit.NANOSECONDS);
            return result(p.isAlive() ? -1 : p.exitValue(), out, err, true, stopped.survivors());
        }
    }

    private Capture capture() throws CannotStart {
        try {
            return Capture.create();
        } catch (IOException e) {
            throw new CannotStart(argv.get(0), "no file for its output: " + e.getMessage(), e);
        }
    }

    private ProcessBuilder builder(Capture out, Capture err) {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectInput(input != null ? ProcessBuilder.Redirect.PIPE : ProcessBuilder.Redirect.from(NO_INPUT))
                .redirectOutput(out.file().toFile());
        if (err == null) pb.redirectErrorStream(true);
        else pb.redirectError(err.file().toFile());
        if (directory != null) pb.directory(directory.toFile());
        if (environment != null) {
            pb.environment().clear();
            pb.environment().putAll(environment);
        }
        return pb;
    }

    private Result result(int exit, Capture out, Capture err, boolean timedOut, List<Long> survivors) throws IOException {
        return new Result(exit, out.read(keepLast), err == null ? "" : err.read(keepLast), timedOut, survivors);
    }
}
