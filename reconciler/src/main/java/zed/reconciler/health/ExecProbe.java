package zed.reconciler.health;

import zed.reconciler.process.CannotStart;
import zed.reconciler.process.Subprocess;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * {@code health "exec"}: the command runs as a process ({@link Subprocess}; no shell unless the command names one);
 * exit 0 passes. At its timeout the process and its descendants are killed.
 *
 * <p>A failure quotes the last line the command printed (stdout and stderr together, as they interleaved), since
 * that is usually the reason: {@code exit 3: database is locked}.
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
        Subprocess.Result r;
        try {
            r = Subprocess.of(command, timeout).mergingErrors().keepingLast(TAIL_BYTES).run();
        } catch (CannotStart e) {
            return ProbeResult.failed(e.getMessage(), clock.now());
        } catch (IOException e) {
            return ProbeResult.failed("cannot read its output: " + e.getMessage(), clock.now());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ProbeResult.failed("probe interrupted", clock.now());
        }
        if (r.timedOut()) return ProbeResult.failed("timed out after " + Durations.format(timeout), clock.now());
        if (r.exit() == 0) return ProbeResult.passed("exit 0", clock.now());
        String last = lastLine(r.stdout());
        return ProbeResult.failed("exit " + r.exit() + (last.isEmpty() ? "" : ": " + last), clock.now());
    }

    private static String lastLine(String output) {
        List<String> lines = output.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        if (lines.isEmpty()) return "";
        String line = lines.get(lines.size() - 1);
        return line.length() > LAST_LINE_MAX ? line.substring(0, LAST_LINE_MAX) + "..." : line;
    }
}
