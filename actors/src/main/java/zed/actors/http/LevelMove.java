package zed.actors.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import zed.actors.cluster.PlacementRule;
import zed.actors.cluster.PlacementTable;
import zed.actors.level.KnownLevels;
import zed.actors.level.LevelCommand;
import zed.actors.level.RevisionLog;
import zed.actors.replica.ReplicaSender;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * {@code POST /v1/levels/ID/move {"to": "h3"}}, a planned move: the level's services stop on its host, its last
 * increment goes to the target (the data is still, so nothing is lost), the replicas there become its datasets and
 * the ones left behind replicas of them, the placement table names the target, and once the level's shard is there
 * its revision is evaluated again there (its pool, its ports) and converges, as a new revision whose Zedfile says
 * {@code host = "<target>"} (and {@code standby = "<old host>"} where the standby was the target: {@link zed.config.MovedSource}). Each step that fails says so, and what
 * state it left: before the placement changed, the level is started again where it was.
 */
final class LevelMove {
    /** How long the level's shard may take to reach its new host (sharding rebalances every 10 s). */
    static final Duration ARRIVAL = Duration.ofSeconds(60);

    private final ActorSystem<Void> system;
    private final Function<String, EntityRef<LevelCommand>> entity;
    private final ActorRef<PlacementTable.Command> table;
    private final KnownLevels levels;

    LevelMove(ActorSystem<Void> system, Function<String, EntityRef<LevelCommand>> entity, ActorRef<PlacementTable.Command> table, KnownLevels levels) {
        this.system = system;
        this.entity = entity;
        this.table = table;
        this.levels = levels;
    }

    CompletionStage<HttpResponse> run(String id, String to) {
        String from = levels.hostOf(id);
        if (to.equals(from)) return done(HttpApi.error(StatusCodes.CONFLICT, "level " + id + " runs on " + to + " already"));
        String notMember = PlacementRule.notAMember(to, PlacementTable.Members.hostNames(org.apache.pekko.cluster.typed.Cluster.get(system)));
        if (notMember != null) return done(HttpApi.error(StatusCodes.BAD_REQUEST, notMember));
        EntityRef<LevelCommand> level = entity.apply(id);
        return level.<LevelCommand.Status>ask(LevelCommand.Get::new, HttpApi.ASK).thenCompose(st -> {
            RevisionLog.Revision rev = st.state().desiredRevision();
            if (rev == null) return done(HttpApi.error(StatusCodes.NOT_FOUND, "no such level: " + id));
            return level.<LevelCommand.Status>ask(LevelCommand.Stop::new, HttpApi.STOP)
                    .thenCompose(stopped -> level.<ReplicaSender.Moved>ask(r -> new LevelCommand.MoveOut(to, r), ReplicaSender.TRANSFER.plusMinutes(1)))
                    .thenCompose(moved -> moved.error() != null ? restartHere(id, from, rev, moved.error()) : place(id, from, to, rev, moved.snapshot()));
        });
    }

    /** The last increment did not land: nothing moved, and the level starts again where it was. */
    private CompletionStage<HttpResponse> restartHere(String id, String from, RevisionLog.Revision rev, String why) {
        return push(id, rev).handle((a, e) -> HttpApi.error(StatusCodes.CONFLICT, "level " + id + " did not move: " + why + "; "
                + (a instanceof LevelCommand.Accepted ? "it runs on " + from + " again" : "it is stopped on " + from + " (zed up starts it there)")));
    }

    private CompletionStage<HttpResponse> place(String id, String from, String to, RevisionLog.Revision rev, String snapshot) {
        return AskPattern.<PlacementTable.Command, PlacementTable.Placements>ask(table, r -> new PlacementTable.Move(id, to, r), HttpApi.ASK, system.scheduler())
                .thenCompose(placements -> {
                    levels.replace(placements.levels());
                    return arrived(id, to, System.nanoTime() + ARRIVAL.toNanos());
                })
                .thenCompose(there -> {
                    if (!there) {
                        return done(HttpApi.error(StatusCodes.GATEWAY_TIMEOUT, "level " + id + " is placed on " + to + " with its data, but its shard did not get there within "
                                + ARRIVAL.toSeconds() + "s; it is stopped: zed up starts it on " + to));
                    }
                    RevisionLog.Revision moved = rev.movedTo(from, to);
                    return push(id, moved).thenApply(a -> {
                        if (!(a instanceof LevelCommand.Accepted ok)) {
                            return HttpApi.error(StatusCodes.CONFLICT, "level " + id + " is on " + to + " with its data, but its revision was refused there: "
                                    + ((LevelCommand.Refused) a).message());
                        }
                        ObjectNode o = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
                        o.put("level", id);
                        o.put("from", from);
                        o.put("to", to);
                        if (snapshot != null) o.put("snapshot", snapshot);
                        o.put("source", moved.source());
                        o.put("revision", ok.revision());
                        return HttpApi.json(StatusCodes.OK, o);
                    });
                });
    }

    /** The revision as it was pushed, evaluated again wherever the level's shard is now. */
    private CompletionStage<LevelCommand.Pushed> push(String id, RevisionLog.Revision rev) {
        return entity.apply(id).ask(r -> new LevelCommand.Push(rev.source(), rev.filename(), rev.dir(), rev.parent(), false, r), HttpApi.LONGEST_ANSWER);
    }

    private CompletionStage<Boolean> arrived(String id, String to, long deadline) {
        return arrived(system, entity, id, to, deadline);
    }

    /** Whether the level's entity answers from {@code to} before the deadline (a move's, or a failover's). */
    static CompletionStage<Boolean> arrived(ActorSystem<Void> system, Function<String, EntityRef<LevelCommand>> entity, String id, String to, long deadline) {
        // the ask waits in the shard region until the shard has a home; one lost with a host that just went is asked again
        return entity.apply(id).<LevelCommand.Here>ask(LevelCommand.WhereAreYou::new, Duration.ofSeconds(2))
                .handle((h, e) -> h != null && to.equals(h.host()))
                .thenCompose(there -> there || System.nanoTime() > deadline ? done(there)
                        : org.apache.pekko.pattern.Patterns.after(Duration.ofMillis(100), system.classicSystem().scheduler(), system.executionContext(),
                        () -> arrived(system, entity, id, to, deadline)));
    }

    static <T> CompletionStage<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }
}
