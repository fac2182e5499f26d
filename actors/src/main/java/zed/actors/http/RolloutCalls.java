package zed.actors.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import zed.actors.cluster.PlacementTable;
import zed.actors.rollout.RolloutCommand;
import zed.actors.rollout.RolloutEntity;
import zed.actors.rollout.RolloutLog;
import zed.actors.rollout.RolloutState;

import java.util.concurrent.CompletionStage;

/**
 * The API's calls on a multi-host level's rollout entity: a new revision starts a rollout, {@code promote} promotes
 * or aborts it, and a level's status shows it ({@code rollout}: its state and each host's step, revision and health).
 */
final class RolloutCalls {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private final ActorSystem<?> system;

    RolloutCalls(ActorSystem<?> system) {
        this.system = system;
    }

    private EntityRef<RolloutCommand> rollout(String level) {
        return ClusterSharding.get(system).entityRefFor(RolloutEntity.KEY, level);
    }

    /** 200 once the rollout has begun (every host answered): the revision goes on as the rollout decides. */
    CompletionStage<HttpResponse> start(PlacementTable.Placed placed, zed.config.eval.DeclaredRollout policy, String source, String filename, String dir,
                                        String parent, boolean restart) {
        return rollout(placed.level()).<RolloutCommand.StartAnswer>ask(reply -> new RolloutCommand.Start(source, filename, dir, parent, restart, policy,
                placed.hosts(), reply), HttpApi.ASK).thenApply(a -> {
            if (a instanceof RolloutCommand.NotBegun no) return HttpApi.error(StatusCodes.CONFLICT, no.message());
            RolloutCommand.Begun b = (RolloutCommand.Begun) a;
            ObjectNode o = JSON.objectNode();
            o.put("level", placed.level());
            ArrayNode hosts = o.putArray("hosts");
            placed.hosts().forEach(hosts::add);
            o.put("rollout", b.rollout());
            o.put("strategy", b.strategy());
            return HttpApi.json(StatusCodes.OK, o);
        });
    }

    /** POST promote {} or {"abort": true}. */
    CompletionStage<HttpResponse> promote(String level, JsonNode body) {
        boolean abort = body.path("abort").asBoolean(false);
        return rollout(level).<RolloutCommand.PromoteAnswer>ask(reply -> new RolloutCommand.Promote(abort, reply), HttpApi.ASK).thenApply(a -> {
            if (a.error() != null) return HttpApi.error(StatusCodes.CONFLICT, a.error());
            ObjectNode o = JSON.objectNode();
            o.put("level", level);
            o.put("rollout", a.rollout());
            o.put(abort ? "aborted" : "promoted", true);
            o.put("state", a.state());
            return HttpApi.json(StatusCodes.OK, o);
        });
    }

    /**
     * The level's status with its rollout: its state, and per host the step, the revision it was handed, the stable
     * revision as the rollout knows it, and the instance's health (its state). The rollout's stable revision is the
     * level's: an instance calls a revision stable once it passed there, before the rollout decided.
     */
    CompletionStage<HttpResponse> withRollout(String level, ObjectNode status) {
        return rollout(level).<RolloutLog>ask(RolloutCommand.Get::new, HttpApi.READ).handle((log, e) -> {
            if (e != null) {
                status.putObject("rollout").put("state", "Unknown").put("error", "the level's rollout does not answer: " + e.getMessage());
            } else if (log.started() != null) {
                status.set("rollout", json(log, status.path("instances")));
            }
            return HttpApi.json(StatusCodes.OK, status);
        });
    }

    static ObjectNode json(RolloutLog log, JsonNode instances) {
        ObjectNode r = JSON.objectNode();
        r.put("rollout", log.number());
        r.put("strategy", log.started().strategy());
        r.put("state", log.phase());
        java.util.Set<Long> stable = new java.util.HashSet<>(log.stable().values());
        if (stable.size() == 1) r.put("stableRevision", stable.iterator().next());
        ArrayNode hosts = r.putArray("hosts");
        for (String h : log.hosts()) {
            ObjectNode n = hosts.addObject().put("host", h);
            RolloutState.Host step = log.state().hostStep().get(h);
            n.put("state", step == null ? "Unknown" : step.name());
            if (log.applied().containsKey(h)) n.put("handedRevision", log.applied().get(h));
            if (log.stable().containsKey(h)) n.put("stableRevision", log.stable().get(h));
            for (JsonNode i : instances) {
                if (!i.path("host").asText().equals(h)) continue;
                n.put("health", i.path("state").asText());
                if (i.has("revision")) n.put("revision", i.path("revision").asLong());
                // a reverted host runs an older revision than the last it accepted: say which, as a level's status does
                if (i.has("desiredRevision")) n.put("desiredRevision", i.path("desiredRevision").asLong());
            }
            if (log.why().containsKey(h)) n.put("why", log.why().get(h));
        }
        return r;
    }
}
