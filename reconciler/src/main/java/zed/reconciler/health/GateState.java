package zed.reconciler.health;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import zed.config.LevelSpec.UpdatePolicy;
import zed.reconciler.health.GateEvent.ProbeReported;
import zed.reconciler.health.GateEvent.ProcessExited;
import zed.reconciler.health.GateEvent.ProcessStarted;
import zed.reconciler.health.GateEvent.RestartBudgetSpent;
import zed.reconciler.health.Verdict.Failed;
import zed.reconciler.health.Verdict.Passed;
import zed.reconciler.health.Verdict.Pending;

/**
 * The workings of a {@link HealthGate}: a mutable copy that one event or one question moves forward, then never
 * touched again. The rules themselves are documented on {@link HealthGate}.
 */
final class GateState {
    private sealed interface Proc {
    }

    private record NotStarted() implements Proc {
    }

    private record Running(Instant since) implements Proc {
    }

    private record Exited(Instant at, int code) implements Proc {
    }

    final long revision;
    final UpdatePolicy update;
    final Instant openedAt;
    /** The latest instant this state has been moved to. */
    Instant now;
    Verdict verdict;
    private final Map<String, CheckState> checks;
    private Proc process = new NotStarted();
    private int exits;
    /** Since when every check has been clean, while they are (services with checks only). */
    private Instant cleanSince;
    private int startedOver;
    private String lastStartOverCause;
    private boolean budgetSpent;

    GateState(long revision, UpdatePolicy update, Instant openedAt, Map<String, CheckState> checks) {
        this.revision = revision;
        this.update = update;
        this.openedAt = openedAt;
        this.now = openedAt;
        this.checks = checks;
        this.verdict = new Pending("");
    }

    GateState copy() {
        GateState s = new GateState(revision, update, openedAt, new LinkedHashMap<>(checks));
        s.now = now;
        s.verdict = verdict;
        s.process = process;
        s.exits = exits;
        s.cleanSince = cleanSince;
        s.startedOver = startedOver;
        s.lastStartOverCause = lastStartOverCause;
        s.budgetSpent = budgetSpent;
        return s;
    }

    /** A copy moved to {@code t}, for answering a question about that instant. */
    GateState at(Instant t) {
        GateState s = copy();
        s.advance(Objects.requireNonNull(t, "now"));
        return s;
    }

    Instant deadline() {
        return openedAt.plus(update.healthyDeadline());
    }

    void apply(GateEvent event) {
        advance(event.at());
        Instant t = now;
        String cause = "";
        if (event instanceof ProcessStarted) cause = started(t);
        else if (event instanceof ProcessExited e) cause = exited(t, e.code());
        else if (event instanceof ProbeReported e) cause = probed(e, t);
        else if (event instanceof RestartBudgetSpent) budgetSpent(t);
        recount(t, cause);
        advance(t); // with min_healthy_time = 0 this very event may pass the gate
    }

    // ---- events ----

    // Each returns what to name as the cause should healthy time stop counting because of it.

    private String started(Instant t) {
        process = new Running(t);
        forgetChecks();
        return "process restarted";
    }

    private String exited(Instant t, int code) {
        if (!(process instanceof Running)) return ""; // the same exit reported twice
        exits++;
        process = new Exited(t, code); // its checks are forgotten when the next process starts
        if (verdict instanceof Pending && exits >= HealthGate.CRASH_LOOP_EXITS) {
            verdict = new Failed("crash loop: the process exited " + exits + " times since the gate opened, last with code " + code, t);
        }
        return "process exited with code " + code;
    }

    private String probed(ProbeReported e, Instant t) {
        CheckState check = checks.get(e.check());
        if (check == null) return "";
        if (!(process instanceof Running r)) return ""; // nothing runs that this result could be about
        if (e.result().at().isBefore(r.since())) return ""; // it finished before this process started
        if (t.isBefore(r.since().plus(check.rule().initialDelay()))) return "";
        checks.put(e.check(), check.on(e.result().ok(), e.result().detail(), t));
        return e.check() + ": " + e.result().detail();
    }

    private void budgetSpent(Instant t) {
        budgetSpent = true;
        if (verdict instanceof Pending) {
            verdict = new Failed("restart budget spent" + (process instanceof Exited x ? ", last exit with code " + x.code() : ""), t);
        }
    }

    private void forgetChecks() {
        checks.replaceAll((name, c) -> CheckState.unknown(c.rule()));
    }

    /** Starts or stops counting healthy time after an event. */
    private void recount(Instant t, String cause) {
        if (checks.isEmpty()) return; // counted from the process alone, see healthySince()
        boolean clean = process instanceof Running && checks.values().stream().allMatch(c -> c.cleanAt(t));
        if (clean && cleanSince == null) {
            cleanSince = t;
        } else if (!clean && cleanSince != null) {
            cleanSince = null;
            startedOver(cause);
        }
    }

    /** Lets time alone act up to {@code t}, each thing at its own instant; a pass exactly at the deadline wins. */
    private void advance(Instant t) {
        if (t.isBefore(now)) t = now;
        if (verdict instanceof Pending) {
            Instant pass = passAt(); // never at or after the instant a check goes quiet
            if (pass != null && !pass.isAfter(deadline()) && !pass.isAfter(t)) verdict = new Passed(pass);
        }
        if (verdict instanceof Pending && !deadline().isAfter(t)) {
            quietBy(deadline());
            verdict = new Failed(deadlineReason(), deadline());
        }
        quietBy(t);
        now = t;
    }

    /** Stops counting healthy time if a check has gone quiet by {@code t}. */
    private void quietBy(Instant t) {
        if (cleanSince == null) return;
        Instant quiet = quietAt();
        if (quiet != null && !t.isBefore(quiet)) {
            cleanSince = null;
            startedOver(why(quiet));
        }
    }

    private void startedOver(String cause) {
        startedOver++;
        lastStartOverCause = cause;
    }

    // ---- derived ----

    /** Since when healthy time counts, or null while it does not. */
    private Instant healthySince() {
        if (!checks.isEmpty()) return cleanSince;
        return process instanceof Running r ? r.since().plus(HealthGate.ALIVE_WITHOUT_CHECKS) : null;
    }

    /** When min_healthy_time is reached if nothing happens; null when a check goes quiet first. */
    private Instant passAt() {
        Instant since = healthySince();
        if (since == null) return null;
        Instant pass = since.plus(update.minHealthyTime());
        Instant quiet = quietAt();
        return quiet != null && !pass.isBefore(quiet) ? null : pass;
    }

    /** The first instant at which a check's last result stops counting. */
    private Instant quietAt() {
        return checks.values().stream().map(CheckState::staleAt).filter(Objects::nonNull).min(Instant::compareTo).orElse(null);
    }

    /** See {@link HealthGate#nextChange}; this state has been moved to the instant asked about. */
    Instant nextChange() {
        if (verdict instanceof Pending) {
            Instant pass = passAt();
            return pass != null && !pass.isAfter(deadline()) ? pass : deadline();
        }
        if (verdict instanceof Failed) return null;
        if (checks.isEmpty()) {
            if (!(process instanceof Running r) || budgetSpent) return null;
            Instant ready = r.since().plus(HealthGate.ALIVE_WITHOUT_CHECKS);
            return ready.isAfter(now) ? ready : null;
        }
        // healthy: the first check to go quiet makes it unhealthy; unhealthy: only a result can mend it
        return unhealthyWhy(now) == null ? quietAt() : null;
    }

    private String deadlineReason() {
        String reason = "not healthy within healthy_deadline " + Durations.format(update.healthyDeadline()) + ": " + why(deadline());
        if (startedOver == 0) return reason;
        return reason + " (healthy time started over " + startedOver + (startedOver == 1 ? " time" : " times") + ", last: " + lastStartOverCause + ")";
    }

    /** What a pending gate waits for at {@code t}. */
    String why(Instant t) {
        if (process instanceof NotStarted) return "waiting for the process to start";
        if (process instanceof Exited x) {
            return "process exited with code " + x.code() + ", waiting for a restart (" + exits + " of "
                    + HealthGate.CRASH_LOOP_EXITS + " exits make a crash loop)";
        }
        Running r = (Running) process;
        if (checks.isEmpty() && t.isBefore(r.since().plus(HealthGate.ALIVE_WITHOUT_CHECKS))) {
            return "process alive for " + Durations.elapsed(Duration.between(r.since(), t)) + " of " + Durations.format(HealthGate.ALIVE_WITHOUT_CHECKS);
        }
        List<String> waiting = new ArrayList<>();
        for (CheckState c : checks.values()) {
            String w = c.pendingWhy(t);
            if (w != null) waiting.add(w);
        }
        if (!waiting.isEmpty()) return String.join("; ", waiting);
        if (healthySince() == null) return "waiting for every check to pass"; // not reached: clean checks are counted
        return "healthy for " + Durations.elapsed(Duration.between(healthySince(), t)) + " of " + Durations.format(update.minHealthyTime());
    }

    /** Why a service whose gate passed is unhealthy at {@code t}, or null when it is healthy. */
    String unhealthyWhy(Instant t) {
        if (budgetSpent) return "restart budget spent";
        if (process instanceof Exited x) return "process exited with code " + x.code();
        if (!(process instanceof Running r)) return "process not started";
        if (checks.isEmpty()) {
            Duration alive = Duration.between(r.since(), t);
            return alive.compareTo(HealthGate.ALIVE_WITHOUT_CHECKS) < 0
                    ? "process restarted, alive for " + Durations.elapsed(alive) + " of " + Durations.format(HealthGate.ALIVE_WITHOUT_CHECKS)
                    : null;
        }
        List<String> why = new ArrayList<>();
        for (CheckState c : checks.values()) {
            String w = c.unhealthyWhy(t);
            if (w != null) why.add(w);
        }
        return why.isEmpty() ? null : String.join("; ", why);
    }
}
