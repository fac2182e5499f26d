package zed.reconciler.host;

import zed.config.LevelSpec.SudoHook;

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
 * {@code apply} runs as root through the {@link Privilege}, then {@code verify} unprivileged; only a passing verify
 * makes the hook done. A failed hook is reported and the next one still runs: they are independent host changes, and
 * the operator is better served by one report with every failure than by stopping at the first.
 *
 * @param privilege   how {@code apply} runs as root: the host's privilege command, or zed ops
 * @param timeout     the most check or verify may take before it is killed (the privilege has its own)
 * @param environment what check and verify see: only the {@link #ENVIRONMENT} names are kept from what is given, so
 *                    that secrets in zed's own environment never reach a hook
 */
public record SudoHooks(Privilege privilege, Duration timeout, Map<String, String> environment) {
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
        if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be positive: " + timeout);
        environment = kept(environment);
    }

    /** Hooks whose apply runs through {@code prefix} (its last argument the apply text), with the same timeout and environment. */
    public static SudoHooks through(List<String> prefix, Duration timeout, Map<String, String> environment) {
        return new SudoHooks(new PrivilegeCommand(prefix, timeout, environment), timeout, environment);
    }

    /** {@code sudo /bin/sh -c}, {@link #DEFAULT_TIMEOUT}, and the whitelisted part of this process's environment. */
    public static SudoHooks defaults() {
        return through(DEFAULT_PRIVILEGE, DEFAULT_TIMEOUT, System.getenv());
    }

    /** The {@link #ENVIRONMENT} part of {@code environment}. */
    static Map<String, String> kept(Map<String, String> environment) {
        Map<String, String> kept = new TreeMap<>(environment);
        kept.keySet().retainAll(ENVIRONMENT);
        return Map.copyOf(kept);
    }

    /**
     * Runs every hook of a service, in order, each whatever became of the ones before.
     *
     * @param level   the level's id and {@code service} the service's ref: how the privilege names the hook
     */
    public List<Report> run(String level, String service, List<SudoHook> hooks) throws InterruptedException {
        List<Report> reports = new ArrayList<>();
        for (SudoHook h : hooks) reports.add(run(level, service, h));
        return reports;
    }

    public Report run(String level, String service, SudoHook hook) throws InterruptedException {
        // check and verify are optional in a Zedfile; an empty one says no more than a missing one
        if (given(hook.check())) {
            HookStep check = ShellCommand.step("check", append(SHELL, hook.check()), environment, timeout);
            if (check.passed()) return new Report(hook, Outcome.SKIPPED, "check passed");
            // a check that could not run, or hung, tells us nothing about the host: do not change it as root
            if (check.failure() != null) return new Report(hook, Outcome.FAILED, check.failure() + "; not applied");
        }
        HookStep apply = privilege.apply(level, service, hook);
        if (!apply.passed()) return new Report(hook, Outcome.FAILED, apply.why(""));
        if (!given(hook.verify())) return new Report(hook, Outcome.APPLIED, "not verified: the hook has no verify");
        HookStep verify = ShellCommand.step("verify", append(SHELL, hook.verify()), environment, timeout);
        if (!verify.passed()) return new Report(hook, Outcome.FAILED, verify.why(" after apply"));
        return new Report(hook, Outcome.APPLIED, "verified");
    }

    private static boolean given(String command) {
        return command != null && !command.isBlank();
    }

    private static List<String> append(List<String> prefix, String last) {
        List<String> argv = new ArrayList<>(prefix);
        argv.add(last);
        return argv;
    }
}
