package zed.actors.host;

import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import zed.actors.level.LevelEntity;
import zed.reconciler.gpu.Gpu;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * One host's journal of its GPUs (persistence id {@code host|<name>}, in the node's journal): the host inventory
 * tells it each inventory's GPUs, and it journals what {@link HostGpus#next} finds changed, tagged {@value LevelEntity#TAG}
 * so that {@code /v1/events} streams it. One per node, not sharded: a host's name is its own in the cluster.
 */
public final class HostEntity extends EventSourcedBehavior<HostEntity.Command, HostEvent, HostGpus> {
    /** What its persistence ids begin with; the rest is the host's name. */
    public static final String PREFIX = "host|";

    public sealed interface Command {
    }

    /** The GPUs an inventory found. */
    public record Seen(List<Gpu> gpus) implements Command {
    }

    private final int kept;

    private HostEntity(String host, int kept) {
        super(PersistenceId.ofUniqueId(PREFIX + host), SupervisorStrategy.restartWithBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2));
        this.kept = kept;
    }

    /** @param kept how many events it keeps at least, as a level does ({@link LevelEntity#eventsKept}) */
    public static Behavior<Command> create(String host, int kept) {
        // a journal that fails restarts it: it replays what it knew, and the next inventory journals what it missed
        return Behaviors.supervise(Behaviors.<Command>setup(ctx -> new HostEntity(host, kept)))
                .onFailure(SupervisorStrategy.restartWithBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2));
    }

    /** The host's name of a persistence id of this entity; empty for any other. */
    public static java.util.Optional<String> host(String persistenceId) {
        return persistenceId.startsWith(PREFIX) ? java.util.Optional.of(persistenceId.substring(PREFIX.length())) : java.util.Optional.empty();
    }

    @Override
    public HostGpus emptyState() {
        return HostGpus.empty();
    }

    @Override
    public CommandHandler<Command, HostEvent, HostGpus> commandHandler() {
        return newCommandHandlerBuilder().forAnyState()
                .onCommand(Seen.class, (s, c) -> {
                    List<HostEvent> changes = s.next(c.gpus(), Instant.now());
                    return changes.isEmpty() ? Effect().none() : Effect().persist(changes);
                })
                .build();
    }

    @Override
    public EventHandler<HostGpus, HostEvent> eventHandler() {
        return newEventHandlerBuilder().forAnyState().onAnyEvent(HostGpus::apply);
    }

    @Override
    public Set<String> tagsFor(HostEvent event) {
        return Set.of(LevelEntity.TAG);
    }

    /** Bounded as a level's journal is: a snapshot every half of {@code kept} events, two kept, older events deleted. */
    @Override
    public RetentionCriteria retentionCriteria() {
        return RetentionCriteria.snapshotEvery(Math.max(1, kept / 2), 2).withDeleteEventsOnSnapshot();
    }
}
