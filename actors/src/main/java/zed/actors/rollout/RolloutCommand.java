package zed.actors.rollout;

import org.apache.pekko.actor.typed.ActorRef;
import zed.actors.JsonEvent;
import zed.actors.level.LevelCommand;

import java.util.List;

/** What a level's rollout entity is asked, and what it answers. */
public sealed interface RolloutCommand extends JsonEvent {
    /**
     * A new revision for a multi-host level: handed to its instances as the rollout decides.
     *
     * @param hosts the level's hosts, in the order written
     */
    record Start(String source, String filename, String dir, String parent, boolean restart, zed.config.eval.DeclaredRollout policy,
                 List<String> hosts, ActorRef<StartAnswer> replyTo) implements RolloutCommand {
    }

    sealed interface StartAnswer extends JsonEvent {
    }

    record Begun(long rollout, String strategy, List<String> hosts) implements StartAnswer {
    }

    /** Nothing was started: another rollout runs, or a host does not answer. */
    record NotBegun(String message) implements StartAnswer {
    }

    /** {@code zed promote} ({@code abort}: {@code --abort}). */
    record Promote(boolean abort, ActorRef<PromoteAnswer> replyTo) implements RolloutCommand {
    }

    /** @param error null when done; else why nothing was done */
    record PromoteAnswer(long rollout, String state, String error) implements JsonEvent {
    }

    record Get(ActorRef<RolloutLog> replyTo) implements RolloutCommand {
    }

    /** Keeps the entity up: a node's wake sends it, so that a rollout under way when its node died resumes. */
    record Wake() implements RolloutCommand {
    }

    // ---- the entity's own messages -------------------------------------------------------------------------------

    record Tick() implements RolloutCommand {
    }

    /** Every instance's stable revision before a rollout ({@code error}: one did not answer). */
    record Read(Start start, java.util.Map<String, Long> stable, String error) implements RolloutCommand {
    }

    /** An instance's status ({@code error}: it did not answer). */
    record Heard(String host, LevelCommand.Status status, String error) implements RolloutCommand {
    }

    /** An instance's answer to the rollout's push. */
    record Pushed(long rollout, String host, LevelCommand.Pushed answer, String error) implements RolloutCommand {
    }

    /** An instance's answer to the first round's snapshot ({@code busy}: rolling back, asked again). */
    record Snapshotted(long rollout, String host, String snapshot, String error, boolean busy) implements RolloutCommand {
    }

    /** What came of asking an instance to go back to its stable revision ({@code error}: refused, or no answer). */
    record RevertAsked(long rollout, String host, String error) implements RolloutCommand {
    }
}
