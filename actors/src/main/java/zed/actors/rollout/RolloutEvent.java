package zed.actors.rollout;

import zed.actors.JsonEvent;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a rollout journals (persistence id {@code rollout|<level>}, tagged like a level's events, so that each step is
 * on {@code /v1/events} under the level's name). Replayed after a node's crash, they say which hosts may have been
 * changed, so the rollout resumes or reverts them.
 */
public sealed interface RolloutEvent extends JsonEvent {
    /**
     * A rollout began: the Zedfile it hands each host, how it proceeds, and each host's stable revision, read from
     * every instance before any was changed (what a revert goes back to).
     */
    record RolloutStarted(long rollout, String source, String filename, String dir, String parent, boolean restart, String strategy,
                          int maxParallel, int canary, boolean autoPromote, boolean autoRevert, Duration progressDeadline,
                          List<String> hosts, Map<String, Long> stable, Instant at) implements RolloutEvent {
    }

    /**
     * A host's step in the rollout ({@link RolloutState.Host}): {@code revision} the revision it was handed (0: not
     * known yet) or, reverting, the one it goes back to; {@code why} what failed, null when nothing did.
     */
    record HostStepped(long rollout, String host, String step, long revision, String why, Instant at) implements RolloutEvent {
    }

    /**
     * A coordinated rollout's first round: {@code host} took {@code snapshot} of every dataset of its instance (null:
     * it has none) before any host was changed.
     */
    record HostSnapshotted(long rollout, String host, String snapshot, Instant at) implements RolloutEvent {
    }

    /** {@code zed promote} (or auto_promote), or {@code zed promote --abort}. */
    record Promoted(long rollout, boolean abort, boolean automatic, Instant at) implements RolloutEvent {
    }

    /**
     * The rollout is over: {@code outcome} Stable (every host passed: the revision is the level's stable one),
     * Reverted (every changed host is back on the stable revision), Aborted (the same, after {@code zed promote
     * --abort}; journals written before Aborted existed say Reverted, and replay so) or Failed (auto_revert = false:
     * {@code leftOn} keep what they got).
     */
    record RolloutEnded(long rollout, String outcome, Map<String, Long> stable, List<String> reverted, List<String> leftOn, Instant at) implements RolloutEvent {
    }
}
