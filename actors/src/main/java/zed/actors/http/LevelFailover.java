package zed.actors.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import zed.actors.cluster.FailoverRule;
import zed.actors.cluster.PlacementRule;
import zed.actors.cluster.PlacementTable;
import zed.actors.level.KnownLevels;
import zed.actors.level.LevelCommand;
import zed.actors.level.RevisionLog;
import zed.actors.replica.ReplicaReceiver;
import zed.reconciler.replica.FailoverPoint;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * {@code POST /v1/levels/ID/failover {"to": "h3"}}: the level's host is lost, and the level runs on {@code to} from
 * the replicas there. Only from a host the cluster has downed (the split-brain resolver's side without the lease), so
 * that the level never runs on two hosts: a host that is still a member, even unreachable, is refused. The replicas go
 * back to the last round they all hold and become the level's datasets; the placement table names {@code to}; once the
 * level's shard is there its revision is evaluated there as a new one (host = {@code to}, the old host its standby:
 * {@link zed.config.MovedSource}), and {@code FailedOver} is journaled with what may have been lost. The old host, when
 * it comes back, stops the level's services before anything else and becomes its standby ({@code zed.actors.replica.Fencing}).
 */
final class LevelFailover {
    private final ActorSystem<Void> system;
    private final Function<String, EntityRef<LevelCommand>> entity;
    private final ActorRef<PlacementTable.Command> table;
    private final KnownLevels levels;

    LevelFailover(ActorSystem<Void> system, Function<String, EntityRef<LevelCommand>> entity, ActorRef<PlacementTable.Command> table, KnownLevels levels) {
        this.system = system;
        this.entity = entity;
        this.table = table;
        this.levels = levels;
    }

    /** @param force its operator says the lost host's services are stopped: taken from a host that left, or of no record */
    CompletionStage<HttpResponse> run(String id, String to, boolean force) {
        // where the table says it runs now, not where this node last heard: a failover done meanwhile through another node
        return levels.refresh().thenCompose(known -> decide(id, to, force));
    }

    private CompletionStage<HttpResponse> decide(String id, String to, boolean force) {
        String from = levels.hostOf(id);
        if (from == null) return LevelMove.done(HttpApi.error(StatusCodes.NOT_FOUND, "no such level: " + id));
        if (to.equals(from)) return LevelMove.done(HttpApi.error(StatusCodes.CONFLICT, "level " + id + " runs on " + to + " already"));
        Cluster cluster = Cluster.get(system);
        String notMember = PlacementRule.notAMember(to, PlacementTable.Members.hostNames(cluster));
        if (notMember != null) return LevelMove.done(HttpApi.error(StatusCodes.BAD_REQUEST, notMember));
        org.apache.pekko.cluster.Member old = PlacementTable.Members.of(cluster, from);
        if (old != null) {
            boolean unreachable = cluster.state().getUnreachable().contains(old);
            return LevelMove.done(HttpApi.error(StatusCodes.CONFLICT, "host " + from + " is still a member of the cluster (" + old.status()
                    + (unreachable ? ", unreachable" : "") + "): a failover takes a level only from a host the cluster has downed, so that it never runs on two hosts; "
                    + (unreachable ? "the split-brain resolver downs a lost host within about half a minute, then ask again"
                    : "zed move " + id + " --to " + to + " moves it without losing anything")));
        }
        return AskPattern.<PlacementTable.Command, PlacementTable.Removal>ask(table, r -> new PlacementTable.HowRemoved(from, r), HttpApi.ASK, system.scheduler())
                .thenCompose(removal -> {
                    String refused = FailoverRule.refusal(id, from, to, removal.how(), force);
                    return refused != null ? LevelMove.done(HttpApi.error(StatusCodes.CONFLICT, refused)) : takeOver(id, from, to);
                });
    }

    private CompletionStage<HttpResponse> takeOver(String id, String from, String to) {
        Instant asked = Instant.now();
        return ReplicaReceiver.on(system, to, HttpApi.ASK).thenCompose(r -> AskPattern.<ReplicaReceiver.Command, ReplicaReceiver.TookOver>ask(r, reply -> new ReplicaReceiver.FailOver(id, from, reply),
                        Duration.ofMinutes(2), system.scheduler()))
                .handle((took, e) -> e != null
                        ? LevelMove.done(HttpApi.error(StatusCodes.SERVICE_UNAVAILABLE, "level " + id + " did not fail over to " + to + ": " + ReplicaReceiver.cause(e)))
                        : took.error() != null
                        ? LevelMove.done(HttpApi.error(StatusCodes.CONFLICT, "level " + id + " did not fail over to " + to + ": " + took.error()))
                        : place(id, from, to, took, asked).exceptionally(late -> HttpApi.error(StatusCodes.SERVICE_UNAVAILABLE, "level " + id
                        + "'s datasets on " + to + " are its own now, at " + took.snapshot() + ", but the failover did not finish: " + ReplicaReceiver.cause(late)
                        + "; ask again, which finishes it (if it answers that the level runs on " + to + " already, zed up starts it there)")))
                .thenCompose(answer -> answer);
    }

    private CompletionStage<HttpResponse> place(String id, String from, String to, ReplicaReceiver.TookOver took, Instant asked) {
        Instant at = FailoverPoint.takenAt(took.snapshot());
        long lost = at == null ? -1 : Math.max(0, Duration.between(at, asked).toSeconds());
        return AskPattern.<PlacementTable.Command, PlacementTable.Placements>ask(table, r -> new PlacementTable.Move(id, to, r), HttpApi.ASK, system.scheduler())
                .thenCompose(placements -> {
                    levels.replace(placements.levels());
                    return LevelMove.arrived(system, entity, id, to, System.nanoTime() + LevelMove.ARRIVAL.toNanos());
                })
                .thenCompose(there -> {
                    if (!there) {
                        return LevelMove.done(HttpApi.error(StatusCodes.GATEWAY_TIMEOUT, "level " + id + " is placed on " + to + " with its data at " + took.snapshot()
                                + ", but its shard did not get there within " + LevelMove.ARRIVAL.toSeconds() + "s: zed up starts it on " + to));
                    }
                    EntityRef<LevelCommand> level = entity.apply(id);
                    return level.<LevelCommand.Status>ask(LevelCommand.Get::new, HttpApi.ASK).thenCompose(st -> {
                        RevisionLog.Revision rev = st.state().desiredRevision();
                        zed.config.LevelSpec spec = st.state().desiredSpec();
                        java.util.List<String> missing = spec == null ? took.missing()
                                : FailoverPoint.missing(spec.datasets().stream().map(zed.config.LevelSpec.DatasetSpec::name).toList(), took.taken());
                        if (st.state().stopped()) {
                            // stopped by its operator before its host was lost: its data is here now, and it stays stopped
                            return level.<LevelCommand.Done>ask(r -> new LevelCommand.FailedOver(from, to, took.snapshot(), lost, took.consistent(), missing, r),
                                    HttpApi.ASK).thenApply(journaled -> stopped(id, from, to, took, lost, missing));
                        }
                        RevisionLog.Revision moved = rev.movedTo(from, to);
                        return level.<LevelCommand.Pushed>ask(r -> new LevelCommand.Push(moved.source(), moved.filename(), moved.dir(), moved.parent(), false, r), HttpApi.LONGEST_ANSWER)
                                .thenCompose(a -> level.<LevelCommand.Done>ask(r -> new LevelCommand.FailedOver(from, to, took.snapshot(), lost, took.consistent(),
                                        missing, r), HttpApi.ASK).thenApply(journaled -> answer(id, from, to, took, lost, missing, moved, a)));
                    });
                });
    }

    private static HttpResponse stopped(String id, String from, String to, ReplicaReceiver.TookOver took, long lost, java.util.List<String> missing) {
        ObjectNode o = base(id, from, to, took, lost, missing);
        o.put("stopped", true);
        return HttpApi.json(StatusCodes.OK, o);
    }

    /** What every answer of a failover that took the data over says: from where to where, at which round. */
    private static ObjectNode base(String id, String from, String to, ReplicaReceiver.TookOver took, long lost, java.util.List<String> missing) {
        ObjectNode o = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
        o.put("level", id);
        o.put("from", from);
        o.put("to", to);
        o.put("snapshot", took.snapshot());
        o.put("lostWindowSeconds", lost);
        o.put("consistent", took.consistent());
        // the level's datasets that had no replica here: they start empty
        missing.forEach(o.putArray("missing")::add);
        return o;
    }

    private static HttpResponse answer(String id, String from, String to, ReplicaReceiver.TookOver took, long lost, java.util.List<String> missing,
                                       RevisionLog.Revision moved, LevelCommand.Pushed a) {
        if (!(a instanceof LevelCommand.Accepted ok)) {
            return HttpApi.error(StatusCodes.CONFLICT, "level " + id + " is on " + to + " with its data at " + took.snapshot()
                    + ", but its revision was refused there: " + ((LevelCommand.Refused) a).message());
        }
        ObjectNode o = base(id, from, to, took, lost, missing);
        o.put("source", moved.source());
        o.put("revision", ok.revision());
        return HttpApi.json(StatusCodes.OK, o);
    }
}
