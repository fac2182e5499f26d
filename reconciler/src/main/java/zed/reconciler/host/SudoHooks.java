package zed.reconciler.host;

import zed.config.LevelSpec.SudoHook;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Runs a service's {@code sudo} blocks, which only {@code zed sudo} does: the operator asked for root, converge never
 * does (ZEDFILE.md). Nothing else may call this.
 * <p>
 * Per hook, in order: {@code check} runs unprivileged and, if it exits 0, the step is already done. Otherwise
 * {@code apply} runs through the privilege command, then {@code verify} unprivileged; only a passing verify makes
 * the hook done. A failed hook is reported and the next one still runs: they are independent host changes, and the
 * operator is better served by one report with every failure than by stopping at the first.
 *
 * @param privilege   the argv prefix that runs {@code apply} as root; the apply text is its last argument
 * @param timeout     the most any one command (check, apply or verify) may take before it is killed
 * @param environment what the commands see: only the {@link #ENVIRONMENT} names are kept from what is given, so
 *                    that secrets in zed's own environment never reach a root shell
 */
public record SudoHooks(List<String> privilege, Duration timeout, Map<String, String> environment) {
    public static final List<String> DEFAULT_PRIVILEGE = List.of("sudo", "/bin/sh", "-c");
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);
    /** The variables passed on to hook commands. */
    public static final Set<String> ENVIRONMENT = Set.of("PATH", "HOME", "LANG", "TZ");
    private static final List<String> SHELL = List.of("/bin/sh", "-c");

    public enum Outcome { SKIPPED, APPLIED, FAILED }

    /** What became of one hook; {@code toString()} is the line an operator reads. */
    public record Report(SudoHook hook, Outcome outcome, String detail) {
        public boolean ok() {
            return outcome != Outcome.FAILED;
        }

        @Override
        public String toString() {
            return "sudo \"" + hook.name() + "\": " + outcome + " (" + detail + ")";
        }
    }

    public SudoHooks {
        if (privilege.isEmpty()) throw new IllegalArgumentException("the privilege command is empty");
        if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be positive: " + timeout);
        privilege = List.copyOf(privilege);
        Map<String, String> kept = new TreeMap<>(environment);
        kept.keySet().retainAll(ENVIRONMENT);
        environment = Map.copyOf(kept);
    }

    /** {@code sudo /bin/sh -c}, {@link #DEFAULT_TIMEOUT}, and the whitelisted part of this process's environment. */
    public static SudoHooks defaults() {
        return new SudoHooks(DEFAULT_PRIVILEGE, DEFAULT_TIMEOUT, System.getenv());
    }

    /** Runs every hook, in order, each whatever became of the ones before. */
    public List<Report> run(List<SudoHook> hooks) throws InterruptedException {
        List<Report> reports = new ArrayList<>();
        for (SudoHook h : hooks) reports.add(run(h));
        return reports;
    }

    public Report run(SudoHook hook) throws InterruptedException {
        // check and verify are optional in a Zedfile; an empty one says no more than a missing one
        if (given(hook.check())) {
            Step check = step("check", append(SHELL, hook.check()));
            if (check.passed()) return new Report(hook, Outcome.SKIPPED, "check passed");
            // a check that could not run, or hung, tells us nothing about the host: do not change it as root
            if (check.failure != null) return new Report(hook, Outcome.FAILED, check.failure + "; not applied");
        }
        Step apply = step("apply", append(privilege, hook.apply()));
        if (!apply.passed()) return new Report(hook, Outcome.FAILED, apply.why(""));
        if (!given(hook.verify())) return new Report(hook, Outcome.APPLIED, "not verified: the hook has no verify");
        Step verify = step("verify", append(SHELL, hook.verify()));
        if (!verify.passed()) return new Report(hook, Outcome.FAILED, verify.why(" after apply"));
        return new Report(hook, Outcome.APPLIED, "verified");
    }

    /**
     * @param failure set when the command could not run or timed out, as opposed to exiting
     */
    private record Step(String name, ShellCommand.Finished finished, String failure) {
        boolean passed() {
            return failure == null && finished.exit() == 0;
        }

        /** @param when said right after what happened: "verify exited 1 after apply: ..." */
        String why(String when) {
            if (failure != null) return failure;
            String tail = finished.stderrTail();
            return name + " exited " + finished.exit() + when + (tail.isEmpty() ? ", no stderr" : ": " + tail);
        }
    }

    private Step step(String name, List<String> argv) throws InterruptedException {
        ShellCommand.Finished f;
        try {
            f = ShellCommand.run(argv, environment, timeout);
        } catch (IOException e) {
            return new Step(name, null, "cannot run " + name + " (" + argv.get(0) + "): " + e.getMessage());
        }
        if (!f.timedOut()) return new Step(name, f, null);
        String why = name + " timed out after " + seconds(timeout) + " and was killed"
                + (f.stillRunning().isEmpty() ? "" : "; still running as root or unkillable: pid "
                        + f.stillRunning().stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(", ")))
                + (f.stderrTail().isEmpty() ? "" : ": " + f.stderrTail());
        return new Step(name, f, why);
    }

    private static boolean given(String command) {
        return command != null && !command.isBlank();
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    private static List<String> append(List<String> prefix, String last) {
        List<String> argv = new ArrayList<>(prefix);
        argv.add(last);
        return argv;
    }
}
