package zed.actors.rollout;

import zed.actors.JsonEvent;
import zed.actors.rollout.RolloutEvent.HostStepped;
import zed.actors.rollout.RolloutEvent.Promoted;
import zed.actors.rollout.RolloutEvent.RolloutEnded;
import zed.actors.rollout.RolloutEvent.RolloutStarted;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A level's rollouts as journaled: the one under way (or the last), where each host stands in it, and the level's
 * stable revision on each host as the rollouts made it (which may differ from an instance's own: an instance that
 * passed its gate calls its revision stable, while the rollout reverts it when another host fails). Pure: events in,
 * state out.
 *
 * @param started  the current or last rollout, null before the first
 * @param state    its decisions' state, null before the first
 * @param applied  per host, the revision it was handed (0: not known) or, reverting, the one it goes back to
 * @param why      per host, what failed
 * @param since    per host, when it took its current step (for progress_deadline)
 * @param outcome  null while the rollout runs; Stable, Reverted, Aborted or Failed once it ended
 * @param stable   per host, the level's stable revision as the rollouts know it
 */
public record RolloutLog(String level, RolloutStarted started, RolloutState state, Map<String, Long> applied, Map<String, String> why,
                         Map<String, Instant> since, String outcome, Map<String, Long> stable) implements JsonEvent {
    public RolloutLog {
        applied = Map.copyOf(applied);
        why = Map.copyOf(why);
        since = Map.copyOf(since);
        stable = Map.copyOf(stable);
    }

    public static RolloutLog empty(String level) {
        return new RolloutLog(level, null, null, Map.of(), Map.of(), Map.of(), null, Map.of());
    }

    /** A rollout runs now. */
    public boolean running() {
        return started != null && outcome == null;
    }

    public long number() {
        return started == null ? 0 : started.rollout();
    }

    public RolloutLog apply(RolloutEvent e) {
        if (e instanceof RolloutStarted s) {
            RolloutState.Policy p = new RolloutState.Policy("rolling".equals(s.strategy()) ? RolloutState.Strategy.ROLLING : RolloutState.Strategy.COORDINATED,
                    s.maxParallel(), s.canary(), s.autoPromote(), s.autoRevert());
            Map<String, Long> st = new LinkedHashMap<>(stable);
            st.putAll(s.stable());
            return new RolloutLog(level, s, RolloutState.start(p, s.hosts()), Map.of(), Map.of(), Map.of(), null, st);
        }
        if (started == null) return this;
        if (e instanceof HostStepped h) {
            Map<String, Long> a = new LinkedHashMap<>(applied);
            if (h.revision() > 0) a.put(h.host(), h.revision());
            Map<String, String> w = new LinkedHashMap<>(why);
            if (h.why() != null) w.put(h.host(), h.why());
            Map<String, Instant> t = new LinkedHashMap<>(since);
            t.put(h.host(), h.at());
            return new RolloutLog(level, started, state.with(h.host(), RolloutState.Host.valueOf(h.step())), a, w, t, outcome, stable);
        }
        if (e instanceof RolloutEvent.HostSnapshotted h) {
            Map<String, Instant> t = new LinkedHashMap<>(since);
            t.put(h.host(), h.at());
            return new RolloutLog(level, started, state.with(h.host(), RolloutState.Host.SNAPSHOTTED), applied, why, t, outcome, stable);
        }
        if (e instanceof Promoted p) {
            return new RolloutLog(level, started, p.abort() ? state.abort() : state.promote(), applied, why, since, outcome, stable);
        }
        if (e instanceof RolloutEnded end) {
            Map<String, Long> st = new LinkedHashMap<>(stable);
            st.putAll(end.stable());
            return new RolloutLog(level, started, state, applied, why, since, end.outcome(), st);
        }
        return this;
    }

    /**
     * The rollout's state in the operator's words: Snapshotting, Applying, WaitingForPromotion, Reverting (while it
     * runs), then Stable, Reverted, Aborted or Failed; None before the first.
     */
    public String phase() {
        if (started == null) return "None";
        if (outcome != null) return outcome;
        RolloutState.Step next = state.next();
        if (next instanceof RolloutState.Revert || !state.in(RolloutState.Host.REVERTING).isEmpty()) return "Reverting";
        if (next instanceof RolloutState.Snapshot || !state.in(RolloutState.Host.SNAPSHOTTING).isEmpty()) return "Snapshotting";
        // with auto_promote the entity promotes the moment the canaries pass: it never waits for anyone
        if (next instanceof RolloutState.AwaitPromotion && !started.autoPromote()) return "WaitingForPromotion";
        return "Applying";
    }

    /**
     * Every host passed and answered since, Converged at its revision: each answered after the last host passed
     * ({@code convergedAt}: when each host was last read Converged at the revision it was handed). A host lost after
     * it passed never answers again, so the rollout is not Stable without it: it fails once it has been silent too long.
     */
    public boolean confirmed(Map<String, Instant> convergedAt) {
        if (!running() || !(state.next() instanceof RolloutState.Confirm)) return false;
        Instant lastPassed = since.values().stream().max(Instant::compareTo).orElse(Instant.MIN);
        return hosts().stream().allMatch(h -> convergedAt.containsKey(h) && convergedAt.get(h).isAfter(lastPassed));
    }

    /** The hosts in their order, for status. */
    public List<String> hosts() {
        return started == null ? List.of() : started.hosts();
    }
}
