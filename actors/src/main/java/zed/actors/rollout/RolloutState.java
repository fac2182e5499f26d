package zed.actors.rollout;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a rollout of one revision across a multi-host level's instances stands, and what it does next: pure (no
 * actor, no clock, no I/O), so that every decision is tested on its own; the rollout entity journals the events this
 * applies and carries out the step {@link #next()} names. Modelled on Nomad's deployment watcher: batches of
 * {@code max_parallel}, canaries that wait for a promotion, and on a failure the hosts it changed are reverted.
 *
 * <p>coordinated: every host is snapshotted before any is changed, and the revision becomes the level's stable one
 * only once every host passed its gate. rolling: no snapshot round first (each instance snapshots before its own
 * deploy, as it always does). Either way a failure (a gate, a deadline, a lost host) stops the rollout and, with
 * {@code auto_revert}, reverts every host it changed; without, the rollout ends Failed with the hosts as they are,
 * and says which.
 *
 * @param policy   how the rollout proceeds
 * @param hosts    the level's hosts, in the order written: canaries and batches are taken in this order
 * @param hostStep each host's state in this rollout
 * @param promoted the canaries were promoted (by {@code zed promote} or {@code auto_promote})
 * @param aborted  {@code zed promote --abort}: the canaries are reverted, the rollout ends
 */
public record RolloutState(Policy policy, List<String> hosts, Map<String, Host> hostStep, boolean promoted, boolean aborted) {
    public enum Strategy { COORDINATED, ROLLING }

    public record Policy(Strategy strategy, int maxParallel, int canary, boolean autoPromote, boolean autoRevert) {
        public Policy {
            if (maxParallel < 1) throw new IllegalArgumentException("max_parallel must be at least 1");
            if (canary < 0) throw new IllegalArgumentException("canary must not be negative");
        }
    }

    /** A host's state in the rollout; SNAPSHOTTED only for coordinated, before any host is changed. */
    public enum Host { PENDING, SNAPSHOTTING, SNAPSHOTTED, APPLYING, PASSED, FAILED, REVERTING, REVERTED }

    public RolloutState {
        hosts = List.copyOf(hosts);
        hostStep = Map.copyOf(hostStep);
    }

    public static RolloutState start(Policy policy, List<String> hosts) {
        Map<String, Host> m = new LinkedHashMap<>();
        for (String h : hosts) m.put(h, Host.PENDING);
        return new RolloutState(policy, hosts, m, false, false);
    }

    // ---- what the rollout does next ------------------------------------------------------------------------------

    public sealed interface Step {
    }

    /** Snapshot these hosts' datasets (coordinated, before any host is changed). */
    public record Snapshot(List<String> hosts) implements Step {
    }

    /** Hand these hosts the revision. */
    public record Apply(List<String> hosts) implements Step {
    }

    /** Wait: hosts are snapshotting, applying or reverting, and will report. */
    public record Wait() implements Step {
    }

    /** The canaries passed: wait for {@code zed promote} (or {@code --abort}). */
    public record AwaitPromotion(List<String> canaries) implements Step {
    }

    /** Roll these hosts back to the stable revision, data and properties. */
    public record Revert(List<String> hosts) implements Step {
    }

    /**
     * Every host passed: the revision is stable once each of them answered again, Converged at the revision it passed,
     * after the last one passed ({@link RolloutLog#confirmed}). A host lost after it passed is never counted as there.
     */
    public record Confirm(List<String> hosts) implements Step {
    }

    /**
     * The rollout is over without the revision: {@code reverted} went back to the stable revision; {@code leftOn}
     * (auto_revert = false) keep what they got, and status says so; {@code aborted}: an operator ended it.
     */
    public record Failed(List<String> reverted, List<String> leftOn, boolean aborted) implements Step {
        public Failed(List<String> reverted, List<String> leftOn) {
            this(reverted, leftOn, false);
        }

        /** The rollout's end in the operator's words: Aborted (zed promote --abort), Reverted, or Failed (hosts left on it). */
        public String outcome() {
            return aborted ? "Aborted" : leftOn.isEmpty() ? "Reverted" : "Failed";
        }
    }

    public Step next() {
        if (aborted || any(Host.FAILED) || any(Host.REVERTING) || any(Host.REVERTED)) return afterFailure();
        if (any(Host.SNAPSHOTTING) || any(Host.APPLYING)) return new Wait();
        if (policy.strategy() == Strategy.COORDINATED && any(Host.PENDING) && !any(Host.SNAPSHOTTED) && !any(Host.PASSED)) {
            return new Snapshot(hosts); // every host first, so every one can go back to the same stable revision
        }
        List<String> canaries = hosts.subList(0, Math.min(policy.canary(), hosts.size()));
        List<String> ready = hosts.stream().filter(h -> hostStep.get(h) == Host.PENDING || hostStep.get(h) == Host.SNAPSHOTTED).toList();
        if (!canaries.isEmpty() && !promoted) {
            List<String> toApply = canaries.stream().filter(ready::contains).toList();
            if (!toApply.isEmpty()) return new Apply(toApply); // the canaries together: they are the sample
            // auto_promote too: the entity promotes at once, and journals that it did (Promoted {automatic})
            return new AwaitPromotion(canaries);
        }
        if (ready.isEmpty()) return new Confirm(hosts);
        return new Apply(ready.subList(0, Math.min(policy.maxParallel(), ready.size())));
    }

    /** What a failure or an abort leads to: revert what was changed, once nothing is under way any more. */
    private Step afterFailure() {
        List<String> changed = hosts.stream().filter(h -> hostStep.get(h) == Host.APPLYING || hostStep.get(h) == Host.PASSED || hostStep.get(h) == Host.FAILED).toList();
        if (any(Host.SNAPSHOTTING)) return new Wait();
        if (!policy.autoRevert() && !aborted) {
            if (any(Host.APPLYING)) return new Wait(); // the batch under way ends first: each host then says where it is
            return new Failed(List.of(), changed);
        }
        if (!changed.isEmpty()) return new Revert(changed);
        if (any(Host.REVERTING)) return new Wait();
        return new Failed(hosts.stream().filter(h -> hostStep.get(h) == Host.REVERTED).toList(), List.of(), aborted);
    }

    /**
     * A host that passed, read again while the rollout goes on: null while its instance still holds the revision
     * (Converged at it, or converging it again); else why the rollout fails, as a host failing its gate does.
     */
    public static String passedNoLonger(long revision, long desired, String phase, boolean rollingBack, String lastError) {
        if (rollingBack || desired != revision) return "it passed, then went back to revision " + desired + (lastError == null ? "" : ": " + lastError);
        if ("Failed".equals(phase)) return "it passed, then failed: " + lastError;
        return null;
    }

    private boolean any(Host state) {
        return hostStep.containsValue(state);
    }

    // ---- what happened (the events the entity journals) ----------------------------------------------------------

    public RolloutState with(String host, Host state) {
        if (!hostStep.containsKey(host)) throw new IllegalArgumentException("host " + host + " is not one of the rollout's: " + hosts);
        Map<String, Host> m = new LinkedHashMap<>(hostStep);
        m.put(host, state);
        return new RolloutState(policy, hosts, m, promoted, aborted);
    }

    public RolloutState with(List<String> hosts, Host state) {
        RolloutState s = this;
        for (String h : hosts) s = s.with(h, state);
        return s;
    }

    public RolloutState promote() {
        return new RolloutState(policy, hosts, hostStep, true, aborted);
    }

    public RolloutState abort() {
        return new RolloutState(policy, hosts, hostStep, promoted, true);
    }

    /** The hosts in {@code state}, in the level's order. */
    public List<String> in(Host state) {
        List<String> out = new ArrayList<>();
        for (String h : hosts) if (hostStep.get(h) == state) out.add(h);
        return out;
    }
}
