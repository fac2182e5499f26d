package zed.actors.level;

import com.fasterxml.jackson.annotation.JsonCreator;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import zed.actors.JsonEvent;

import java.util.Map;
import java.util.Set;

/**
 * A level's desired state, event-sourced: every accepted change of its resolved spec is a new revision; an
 * identical spec (same drift hash) is a no-op. One entity per level, sharded from day one.
 */
public final class LevelEntity extends EventSourcedBehavior<LevelEntity.Command, LevelEntity.Event, LevelEntity.State> {
    public static final EntityTypeKey<Command> KEY = EntityTypeKey.create(Command.class, "level");
    public static final String TAG = "zed";

    // ---- protocol ------------------------------------------------------------------------------------------------

    public sealed interface Command extends JsonEvent {
    }

    /** A resolved spec to accept. {@code specJson} is the LevelSpec as JSON; {@code ports} the allocations it used. */
    public record Accept(String hash, String source, String filename, String dir, String parent, String specJson,
                         Map<String, Integer> ports, ActorRef<Accepted> replyTo) implements Command {
    }

    public record Accepted(String level, long revision, String hash, boolean changed) implements JsonEvent {
    }

    public record Get(ActorRef<State> replyTo) implements Command {
    }

    public record Stop(ActorRef<State> replyTo) implements Command {
    }

    public sealed interface Event extends JsonEvent {
    }

    public record SpecAccepted(long revision, String hash, String source, String filename, String dir, String parent, String specJson,
                               Map<String, Integer> ports) implements Event {
    }

    public record LevelStopped(long revision) implements Event {
    }

    /** @param revision 0 while the level has never been pushed */
    public record State(String level, long revision, String hash, String source, String filename, String dir, String parent,
                        String specJson, Map<String, Integer> ports, boolean stopped) implements JsonEvent {
        @JsonCreator
        public State {
            ports = ports == null ? Map.of() : Map.copyOf(ports);
        }

        public boolean exists() {
            return revision > 0;
        }
    }

    // ---- behaviour -----------------------------------------------------------------------------------------------

    private final String level;

    private LevelEntity(String level) {
        super(PersistenceId.of("level", level, "|"));
        this.level = level;
    }

    public static Behavior<Command> create(String level) {
        return new LevelEntity(level);
    }

    @Override
    public State emptyState() {
        return new State(level, 0, null, null, null, null, null, null, Map.of(), false);
    }

    @Override
    public CommandHandler<Command, Event, State> commandHandler() {
        return newCommandHandlerBuilder().forAnyState()
                .onCommand(Accept.class, (s, c) -> {
                    if (c.hash().equals(s.hash()) && !s.stopped()) {
                        return Effect().none().thenRun(st -> c.replyTo().tell(new Accepted(level, st.revision(), st.hash(), false)));
                    }
                    return Effect().persist(new SpecAccepted(s.revision() + 1, c.hash(), c.source(), c.filename(), c.dir(), c.parent(), c.specJson(), c.ports()))
                            .thenRun(st -> c.replyTo().tell(new Accepted(level, st.revision(), st.hash(), true)));
                })
                .onCommand(Get.class, (s, c) -> Effect().none().thenRun(st -> c.replyTo().tell(st)))
                .onCommand(Stop.class, (s, c) -> s.stopped() || !s.exists()
                        ? Effect().none().thenRun(st -> c.replyTo().tell(st))
                        : Effect().persist(new LevelStopped(s.revision())).thenRun(st -> c.replyTo().tell(st)))
                .build();
    }

    @Override
    public EventHandler<State, Event> eventHandler() {
        return newEventHandlerBuilder().forAnyState()
                .onEvent(SpecAccepted.class, (s, e) -> new State(level, e.revision(), e.hash(), e.source(), e.filename(), e.dir(), e.parent(),
                        e.specJson(), e.ports(), false))
                .onEvent(LevelStopped.class, (s, e) -> new State(level, s.revision(), s.hash(), s.source(), s.filename(), s.dir(), s.parent(),
                        s.specJson(), s.ports(), true))
                .build();
    }

    @Override
    public Set<String> tagsFor(Event event) {
        return Set.of(TAG);
    }

    @Override
    public RetentionCriteria retentionCriteria() {
        return RetentionCriteria.snapshotEvery(50, 2);
    }
}
