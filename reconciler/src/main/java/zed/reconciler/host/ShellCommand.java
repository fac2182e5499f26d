package zed.reconciler.host;

import zed.reconciler.process.CannotStart;
import zed.reconciler.process.Subprocess;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One command of a sudo hook, run to its end or to its deadline ({@link Subprocess}), with the given environment and
 * nothing else: in the agent, and in zed ops for an apply it allowed. At the deadline it gets SIGTERM first, then
 * SIGKILL after {@link #GRACE}: sudo passes TERM on to its command, which runs as root where we cannot signal it; KILL
 * it could not pass on.
 */
public final class ShellCommand {
    /** How long a timed-out command has between SIGTERM and SIGKILL. */
    static final Duration GRACE = Duration.ofSeconds(2);
    private static final int TAIL_BYTES = 2048;
    private static final int TAIL_LINES = 5;

    /**
     * @param exit         the exit status; meaningless when timed out
     * @param stderrTail   the last lines the command wrote to stderr, joined by " | "
     * @param stillRunning pids of a timed-out command's processes that we could not kill (root processes under sudo
     *                     that ignored the relayed SIGTERM): the operator has to see to them
     */
    record Finished(int exit, boolean timedOut, String stderrTail, List<Long> stillRunning) {
    }

    private ShellCommand() {
    }

    /** Runs one step of a hook: how it ended, or why it did not (it could not start, or was killed at its deadline). */
    public static HookStep step(String name, List<String> argv, Map<String, String> environment, Duration timeout) throws InterruptedException {
        Finished f;
        try {
            f = run(argv, environment, timeout);
        } catch (IOException e) {
            return HookStep.failed(name, "cannot run " + name + " (" + argv.get(0) + "): " + e.getMessage());
        }
        if (!f.timedOut()) return HookStep.exited(name, f.exit(), f.stderrTail());
        return HookStep.failed(name, name + " timed out after " + seconds(timeout) + " and was killed"
                + (f.stillRunning().isEmpty() ? "" : "; still running as root or unkillable: pid "
                        + f.stillRunning().stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(", ")))
                + (f.stderrTail().isEmpty() ? "" : ": " + f.stderrTail()));
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    /** @throws IOException when the command cannot be started at all (a missing sudo, say); its message says why */
    static Finished run(List<String> argv, Map<String, String> environment, Duration timeout) throws IOException, InterruptedException {
        Subprocess.Result r;
        try {
            r = Subprocess.of(argv, timeout).withEnvironment(environment).withGrace(GRACE).keepingLast(TAIL_BYTES).run();
        } catch (CannotStart e) {
            throw new IOException(e.reason(), e);
        }
        return new Finished(r.exit(), r.timedOut(), lastLines(r.stderr()), r.survivors());
    }

    private static String lastLines(String stderr) {
        List<String> kept = stderr.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        return String.join(" | ", kept.subList(Math.max(0, kept.size() - TAIL_LINES), kept.size()));
    }
}
