package zed.reconciler.health;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * {@code health "exec"}: the command runs as a process (no shell unless the command names one); exit 0 passes. At
 * its timeout the process and its descendants are killed.
 *
 * <p>A failure quotes the last line the command printed (stdout and stderr together), since that is usually the
 * reason: {@code exit 3: database is locked}.
 *
 * <p>Output goes to a temporary file rather than a pipe: a pipe must be drained by a thread while the command runs,
 * and a background child that keeps the pipe open would hold that thread long after the probe gave up.
 *
 * <p>The command runs with this node's environment and working directory. A supervisor that runs probes inside a
 * jail or with the service's environment builds the {@code ExecProbe} with the wrapped command itself.
 */
public record ExecProbe(List<String> command, Duration timeout) implements Probe {
    private static final int LAST_LINE_MAX = 200;
    private static final int TAIL_BYTES = 4096;

    public ExecProbe {
        command = List.copyOf(command);
        if (command.isEmpty()) throw new IllegalArgumentException("an exec check needs a command");
        Objects.requireNonNull(timeout, "timeout");
    }

    @Override
    public ProbeResult run(Clock clock) {
        Path output;
        try {
            output = Files.createTempFile("zed-probe-", ".out");
        } catch (IOException e) {
            return ProbeResult.failed("cannot create the output file: " + e.getMessage(), clock.now());
        }
        try {
            Process process;
            try {
                process = new ProcessBuilder(command)
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .redirectErrorStream(true)
                        .redirectOutput(output.toFile())
                        .start();
            } catch (IOException e) {
                return ProbeResult.failed("cannot run " + command.get(0) + ": " + startFailure(e), clock.now());
            }
            try {
                if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                    kill(process);
                    return ProbeResult.failed("timed out after " + Durations.format(timeout), clock.now());
                }
            } catch (InterruptedException e) {
                kill(process);
                Thread.currentThread().interrupt();
                return ProbeResult.failed("probe interrupted", clock.now());
            }
            int code = process.exitValue();
            if (code == 0) return ProbeResult.passed("exit 0", clock.now());
            String last = lastLine(output);
            return ProbeResult.failed("exit " + code + (last.isEmpty() ? "" : ": " + last), clock.now());
        } finally {
            try {
                Files.deleteIfExists(output);
            } catch (IOException ignored) {
                // a temp file left behind is harmless; the result matters more
            }
        }
    }

    /**
     * The tree is read before the parent dies: once it is gone its children belong to init and no longer show up as
     * its descendants. The parent goes first so that it cannot start more while the rest are killed.
     */
    private static void kill(Process process) {
        List<ProcessHandle> tree = process.descendants().toList();
        process.destroyForcibly();
        tree.forEach(ProcessHandle::destroyForcibly);
    }

    /** "Cannot run program "x": error=2, No such file or directory" becomes "No such file or directory". */
    private static String startFailure(IOException e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        int code = m.indexOf("error=");
        int comma = code < 0 ? -1 : m.indexOf(", ", code);
        return comma < 0 ? m : m.substring(comma + 2);
    }

    private static String lastLine(Path output) {
        try (RandomAccessFile f = new RandomAccessFile(output.toFile(), "r")) {
            long from = Math.max(0, f.length() - TAIL_BYTES);
            byte[] tail = new byte[(int) (f.length() - from)];
            f.seek(from);
            f.readFully(tail);
            String[] lines = new String(tail, StandardCharsets.UTF_8).split("\\R");
            for (int i = lines.length - 1; i >= 0; i--) {
                String line = lines[i].strip();
                if (!line.isEmpty()) return line.length() > LAST_LINE_MAX ? line.substring(0, LAST_LINE_MAX) + "..." : line;
            }
            return "";
        } catch (IOException e) {
            return "";
        }
    }
}
