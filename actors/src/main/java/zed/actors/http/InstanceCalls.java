package zed.actors.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import zed.actors.cluster.Instances;
import zed.actors.cluster.PlacementTable;
import zed.actors.level.KnownLevels;
import zed.actors.level.LevelCommand;
import zed.actors.level.LevelEntity;
import zed.config.Diagnostic;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The API's calls on a level that runs on several hosts ({@code hosts = [...]}): each goes to every instance
 * ({@code level@host}, one entity on each host) and the answer gathers theirs, each with its host.
 */
final class InstanceCalls {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private final ActorSystem<?> system;
    private final KnownLevels levels;
    private final org.apache.pekko.actor.typed.ActorRef<PlacementTable.Command> table;

    InstanceCalls(ActorSystem<?> system, KnownLevels levels, org.apache.pekko.actor.typed.ActorRef<PlacementTable.Command> table) {
        this.system = system;
        this.levels = levels;
        this.table = table;
    }

    private EntityRef<LevelCommand> entity(String instance) {
        return ClusterSharding.get(system).entityRefFor(LevelEntity.KEY, instance);
    }

    /**
     * Every instance evaluates the Zedfile as its host runs it and accepts it or not. When every one refused a level
     * that had no place before, its place is taken back (as a single-host level's is); an instance that refused
     * while others accepted keeps its revision and says so, with its host.
     */
    CompletionStage<HttpResponse> push(PlacementTable.Placed placed, String source, String filename, String dir, String parent, boolean restart) {
        String level = placed.level();
        List<CompletableFuture<LevelCommand.Pushed>> answers = new ArrayList<>();
        for (String h : placed.hosts()) {
            String instance = Instances.id(level, h);
            levels.put(instance, h);
            answers.add(entity(instance).<LevelCommand.Pushed>ask(reply -> new LevelCommand.Push(source, filename, dir, parent, restart, reply), HttpApi.ASK)
                    .toCompletableFuture());
        }
        return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).thenCompose(x -> {
            List<LevelCommand.Pushed> all = answers.stream().map(CompletableFuture::join).toList();
            boolean noneAccepted = all.stream().allMatch(a -> a instanceof LevelCommand.Refused);
            CompletionStage<?> unplaced = noneAccepted && placed.fresh()
                    ? org.apache.pekko.actor.typed.javadsl.AskPattern.<PlacementTable.Command, PlacementTable.Placements>ask(table,
                    reply -> new PlacementTable.Unplace(level, reply), HttpApi.ASK, system.scheduler()).thenAccept(p -> levels.replace(p.levels()))
                    : CompletableFuture.completedFuture(null);
            return unplaced.thenApply(y -> answer(placed, restart, all));
        });
    }

    private static HttpResponse answer(PlacementTable.Placed placed, boolean restart, List<LevelCommand.Pushed> all) {
        for (int i = 0; i < all.size(); i++) {
            if (!(all.get(i) instanceof LevelCommand.Refused r)) continue;
            String on = "on host " + placed.hosts().get(i) + ": ";
            if (r.why() == LevelCommand.Refused.Why.NO_PARENT) return HttpApi.error(StatusCodes.CONFLICT, on + r.message());
            return r.errors().isEmpty() ? HttpApi.error(StatusCodes.BAD_REQUEST, on + r.message())
                    : HttpApi.diagnostics(r.errors().stream().map(d -> new Diagnostic(d.pos(), on + d.message())).toList());
        }
        ObjectNode o = JSON.objectNode();
        o.put("level", placed.level());
        ArrayNode hosts = o.putArray("hosts");
        placed.hosts().forEach(hosts::add);
        LinkedHashSet<Long> revisions = new LinkedHashSet<>();
        boolean changed = false;
        ArrayNode instances = o.putArray("instances");
        for (int i = 0; i < all.size(); i++) {
            LevelCommand.Accepted a = (LevelCommand.Accepted) all.get(i);
            revisions.add(a.revision());
            changed |= a.changed();
            instances.addObject().put("host", placed.hosts().get(i)).put("revision", a.revision()).put("hash", a.hash()).put("changed", a.changed());
        }
        // every instance counts its own revisions: one number only when they agree
        if (revisions.size() == 1) o.put("revision", revisions.iterator().next());
        o.put("hash", ((LevelCommand.Accepted) all.get(0)).hash());
        o.put("changed", changed);
        if (restart && !changed) o.put("restarted", true);
        return HttpApi.json(StatusCodes.OK, o);
    }

    /**
     * Every instance's status, each with its host; the level's state is theirs when they agree, else Failed when one
     * failed, else Converging. An instance that does not answer (its host away) is Unknown, with why.
     */
    CompletionStage<ObjectNode> read(String level, List<String> instances) {
        List<CompletableFuture<ObjectNode>> each = new ArrayList<>();
        for (String instance : instances) {
            String host = Instances.hostOf(instance);
            each.add(entity(instance).<LevelCommand.Status>ask(LevelCommand.Get::new, HttpApi.READ).handle((s, e) -> {
                if (e != null) {
                    ObjectNode n = JSON.objectNode().put("level", instance).put("state", "Unknown");
                    n.put("error", "the instance on host " + host + " does not answer: " + (e.getCause() != null ? e.getCause() : e).getMessage());
                    return n.put("host", host);
                }
                return StatusJson.of(s).put("host", host);
            }).toCompletableFuture());
        }
        return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new)).thenApply(x -> {
            ObjectNode o = JSON.objectNode();
            o.put("level", level);
            ArrayNode hosts = o.putArray("hosts");
            ArrayNode out = JSON.arrayNode();
            LinkedHashSet<String> states = new LinkedHashSet<>();
            LinkedHashSet<Long> revisions = new LinkedHashSet<>(), desired = new LinkedHashSet<>();
            for (CompletableFuture<ObjectNode> f : each) {
                ObjectNode n = f.join();
                hosts.add(n.path("host").asText());
                states.add(n.path("state").asText());
                revisions.add(n.path("revision").asLong(-1));
                desired.add(n.path("desiredRevision").asLong(-1));
                out.add(n);
            }
            o.put("state", states.size() == 1 ? states.iterator().next() : states.contains("Failed") ? "Failed" : "Converging");
            if (revisions.size() == 1 && !revisions.contains(-1L)) o.put("revision", revisions.iterator().next());
            if (desired.size() == 1 && !desired.contains(-1L)) o.put("desiredRevision", desired.iterator().next());
            o.set("instances", out);
            o.putArray("resources");
            return o;
        });
    }

    /** Stops every instance (then, with {@code destroy}, destroys its datasets on its host); answers each one's outcome. */
    CompletionStage<HttpResponse> stop(String level, List<String> instances, Duration within, boolean destroy) {
        List<CompletableFuture<ObjectNode>> each = new ArrayList<>();
        for (String instance : instances) {
            String host = Instances.hostOf(instance);
            CompletionStage<ObjectNode> one = entity(instance).<LevelCommand.Status>ask(LevelCommand.Stop::new, within).thenApply(st -> StatusJson.of(st).put("host", host));
            if (destroy) {
                one = one.thenCompose(stopped -> entity(instance).<zed.actors.resource.LevelDatasets.Destroyed>ask(LevelCommand.Destroy::new, Duration.ofMinutes(5))
                        .thenApply(d -> {
                            if (d.error() != null) stopped.put("error", "stopped, but destroying its datasets failed: " + d.error());
                            ArrayNode a = stopped.putArray("destroyed");
                            d.destroyed().forEach(a::add);
                            return stopped;
                        }));
            }
            each.add(one.toCompletableFuture());
        }
        return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new)).thenApply(x -> {
            ObjectNode o = JSON.objectNode();
            o.put("level", level);
            o.put("state", "Stopped");
            ArrayNode out = o.putArray("instances");
            boolean failed = false;
            for (CompletableFuture<ObjectNode> f : each) {
                out.add(f.join());
                failed |= f.join().has("destroyed") && f.join().hasNonNull("error");
            }
            return HttpApi.json(failed ? StatusCodes.CONFLICT : StatusCodes.OK, o);
        });
    }
}
