package zed.actors.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import zed.actors.cluster.PlacementTable;
import zed.actors.level.KnownLevels;
import zed.actors.level.LevelCommand;
import zed.actors.level.LevelEntity;
import zed.actors.node.NodeConfig;
import zed.config.Chain;
import zed.config.Diagnostic;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

/**
 * The node's HTTP API (JSON): levels pushed, listed, read, planned, rolled back and stopped, and the node's health.
 * It only speaks HTTP: every decision is the level's (the entity answers what it did, this maps the answer to a
 * status code). Every request passes {@link RequestGuard} first. Every error is JSON with a message a person can act
 * on; a body that is too large or not JSON is a 4xx, never a 500. A level id nobody pushed is a 404 and starts
 * nothing.
 */
public final class HttpApi extends AllDirectives {
    static final long MAX_BODY = 1 << 20;
    static final Duration ASK = Duration.ofSeconds(15);
    /** How long a status read waits for the level before it answers from the board. */
    static final Duration READ = Duration.ofSeconds(3);
    /** A stop answers once its services have stopped: each has a grace of 10s before SIGKILL. */
    static final Duration STOP = Duration.ofSeconds(90);
    /**
     * The longest a request may wait for its answer (sudo hooks). The server's idle timeout must be longer: a
     * connection that is quiet while its answer is prepared would be reset without one (ZedNode).
     */
    public static final Duration LONGEST_ANSWER = Duration.ofMinutes(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ActorSystem<Void> system;
    private final ClusterSharding sharding;
    private final EventsRoute events;
    private final RequestGuard guard;
    private final TokenCheck tokens;
    private final AuditLog audit;
    private final KnownLevels levels;
    private final zed.actors.level.StatusBoard board;
    private final org.apache.pekko.actor.typed.ActorRef<PlacementTable.Command> table;
    private final InstanceCalls instances;
    private final RolloutCalls rollouts;
    private final CheckpointRoute checkpoints;
    private final SecretRotatedRoute secrets;
    private final zed.actors.cluster.FailoverTries failoverTries = new zed.actors.cluster.FailoverTries();
    private final UiRoute ui;

    public HttpApi(ActorSystem<Void> system, NodeConfig config, ApiToken token, KnownLevels levels, zed.actors.level.StatusBoard board,
                   org.apache.pekko.actor.typed.ActorRef<PlacementTable.Command> table, zed.actors.job.NodeCheckpoints checkpoints) {
        this.checkpoints = new CheckpointRoute(checkpoints);
        this.system = system;
        this.levels = levels;
        this.board = board;
        this.table = table;
        this.instances = new InstanceCalls(system, levels, table);
        this.rollouts = new RolloutCalls(system);
        this.sharding = ClusterSharding.get(system);
        this.events = new EventsRoute(system);
        this.tokens = new TokenCheck(token, config.stateDir(), java.time.Clock.systemUTC());
        this.audit = new AuditLog(config.stateDir(), java.time.Clock.systemUTC());
        this.guard = new RequestGuard(tokens, config.httpHost(), ApiToken.file(config.stateDir()).toString());
        this.secrets = new SecretRotatedRoute(config, this::entity);
        this.ui = new UiRoute(system, new NodeApi(system, api().seal(rejections(), exceptions()), audit), this::statuses, java.time.Clock.systemUTC(), config.stateDir(), tokens);
    }

    // ---- routes ----------------------------------------------------------------------------------------------------

    public Route route() {
        Route api = api();
        // the audit sees every answer, a refusal's too: outside the handlers that turn rejections and failures into answers
        return extractRequest(req -> optionalHeaderValueByName("Authorization", auth -> {
            TokenCheck.Caller caller = tokens.identify(auth.orElse(null));
            return mapResponse(r -> {
                audit.record(caller, req.method().value(), RequestGuard.segments(req), r.status().intValue());
                return r;
            }, () -> handleRejections(rejections(), () -> handleExceptions(exceptions(), () -> guard.guard(caller, () -> concat(ui.route(caller), api)))));
        }));
    }

    /** The API's routes, behind the guard: what a token may ask, and what a dashboard page asks for its session. */
    private Route api() {
        return concat(
                path(segment("v1").slash("health"), () -> get(this::health)),
                path(segment("v1").slash("events"), () -> get(events::route)),
                checkpoints.route(),
                secrets.route(),
                path(segment("v1").slash("hosts"), () -> get(() -> completeWithFuture(HostsJson.of(system, levels).thenApply(o -> json(StatusCodes.OK, o))))),
                pathPrefix(segment("v1").slash("levels"), () -> concat(
                        pathEndOrSingleSlash(() -> get(this::list)),
                        path(PathMatchers.segments(), segments -> level(LevelPath.of(segments))))));
    }

    private Route level(LevelPath p) {
        if (p == null) return complete(error(StatusCodes.NOT_FOUND, "not a level id: names of letters, digits, '-' and '_', joined by '/'"));
        String id = p.id();
        if (p.action() == null) {
            return concat(
                    put(() -> withSizeLimit(MAX_BODY, () -> entity(Unmarshaller.entityToString(), body -> completeWithFuture(push(id, body))))),
                    get(() -> known(id, () -> completeWithFuture(read(id)))),
                    delete(() -> known(id, () -> withRequestTimeout(Duration.ofMinutes(7), () -> parameterOptional("cascade", cascade -> parameterOptional("destroy", destroy ->
                            completeWithFuture(stop(id, cascade.map("true"::equals).orElse(false)).thenCompose(r ->
                                    r.status().isSuccess() && destroy.map("true"::equals).orElse(false) ? destroy(id) : done(r)))))))));
        }
        // read after knows(): a node that has not yet read the level's instances from the placement table reads them
        return onSuccess(levels.knows(id), known -> {
            boolean multi = !levels.instances(id).isEmpty();
            if (p.action().equals("promote")) {
                return post(() -> known(id, () -> withSizeLimit(MAX_BODY, () -> entity(Unmarshaller.entityToString(), body -> {
                    JsonNode req = object(body);
                    if (req == null) return complete(error(StatusCodes.BAD_REQUEST, notAnObject(body, "{} or {\"abort\": true}")));
                    if (!multi) return complete(error(StatusCodes.CONFLICT, "level " + id + " runs on one host: a promotion is of a rollout across a level's hosts"));
                    return completeWithFuture(rollouts.promote(id, req));
                }))));
            }
            return !multi ? action(id, p.action())
                    : complete(error(StatusCodes.CONFLICT, "level " + id + " runs on several hosts (" + String.join(", ", levels.instances(id))
                    + "): " + p.action() + " of a multi-host level is not supported yet"));
        });
    }

    private Route action(String id, String action) {
        return switch (action) {
            case "plan" -> get(() -> known(id, () -> withRequestTimeout(Duration.ofMinutes(2), () -> completeWithFuture(plan(id)))));
            case "snapshots" -> get(() -> known(id, () -> withRequestTimeout(Duration.ofMinutes(2), () -> completeWithFuture(snapshots(id)))));
            case "push-plan" -> post(() -> known(id, () -> withRequestTimeout(Duration.ofMinutes(2), () -> withSizeLimit(MAX_BODY,
                    () -> entity(Unmarshaller.entityToString(), body -> completeWithFuture(pushPlan(id, body)))))));
            case "rollback-plan" -> get(() -> known(id, () -> withRequestTimeout(Duration.ofMinutes(2), () -> parameterOptional("target",
                    target -> completeWithFuture(rollbackPlan(id, target.orElse(null)))))));
            case "revisions" -> get(() -> known(id, () -> completeWithFuture(revisions(id))));
            case "rollback" -> post(() -> known(id, () -> withSizeLimit(MAX_BODY, () -> entity(Unmarshaller.entityToString(), body -> completeWithFuture(rollback(id, body))))));
            case "job-rollback" -> post(() -> known(id, () -> withRequestTimeout(Duration.ofMinutes(2), () -> withSizeLimit(MAX_BODY,
                    () -> entity(Unmarshaller.entityToString(), body -> completeWithFuture(jobRollback(id, body)))))));
            case "job-move" -> post(() -> known(id, () -> withRequestTimeout(LONGEST_ANSWER, () -> withSizeLimit(MAX_BODY,
                    () -> entity(Unmarshaller.entityToString(), body -> completeWithFuture(jobMove(id, body)))))));
            case "move" -> post(() -> known(id, () -> withRequestTimeout(LONGEST_ANSWER, () -> withSizeLimit(MAX_BODY,
                    () -> entity(Unmarshaller.entityToString(), body -> completeWithFuture(move(id, body)))))));
            case "failover" -> post(() -> placed(id, () -> withRequestTimeout(LONGEST_ANSWER, () -> withSizeLimit(MAX_BODY,
                    () -> entity(Unmarshaller.entityToString(), body -> completeWithFuture(failover(id, body)))))));
            // sudo hooks may install things: the answer waits for them, longer than a request usually may
            default -> post(() -> known(id, () -> withRequestTimeout(LONGEST_ANSWER, () -> withSizeLimit(MAX_BODY,
                    () -> entity(Unmarshaller.entityToString(), body -> completeWithFuture(sudo(id, body)))))));
        };
    }

    /**
     * Only a level the cluster has placed is addressed: any other id is a 404, and no entity starts. A level whose
     * host is away now is a 503 at once: it waits for its host and runs nowhere else, and a request for it would only
     * wait out its timeout.
     */
    private Route known(String id, java.util.function.Supplier<Route> inner) {
        return extractRequest(req -> onSuccess(levels.knows(id), known -> {
            if (!known) return Refusal.answer(req, error(StatusCodes.NOT_FOUND, "no such level: " + id));
            String away = away(levels.hostOf(id));
            return away == null ? inner.get() : Refusal.answer(req, error(StatusCodes.SERVICE_UNAVAILABLE, "level " + id + " runs on host "
                    + levels.hostOf(id) + ", which " + away + ": it runs there and nowhere else, and answers once its host is back"
                    + (away.startsWith("is not a member") ? " (or, if it has a standby, once it is failed over there: zed failover " + id + " --to HOST)" : "")));
        }));
    }

    /** As {@link #known}, for what is asked of a level precisely while its host is away (a failover). */
    private Route placed(String id, java.util.function.Supplier<Route> inner) {
        return extractRequest(req -> onSuccess(levels.knows(id), known -> known ? inner.get() : Refusal.answer(req, error(StatusCodes.NOT_FOUND, "no such level: " + id))));
    }

    /** Why {@code host} cannot run a level now ("is unreachable", "is not a member of the cluster"), null when it can. */
    private String away(String host) {
        if (host == null) return null;
        var cluster = org.apache.pekko.cluster.typed.Cluster.get(system);
        org.apache.pekko.cluster.Member m = PlacementTable.Members.of(cluster, host);
        if (m == null) return "is not a member of the cluster now";
        return cluster.state().getUnreachable().contains(m) ? "is unreachable" : null;
    }

    private static RejectionHandler rejections() {
        return RejectionHandler.defaultHandler().mapRejectionResponse(r -> {
            if (r.entity() instanceof org.apache.pekko.http.javadsl.model.HttpEntity.Strict s && !s.getContentType().equals(ContentTypes.APPLICATION_JSON)) {
                return r.withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, errors(s.getData().utf8String())));
            }
            return r;
        });
    }

    private ExceptionHandler exceptions() {
        return ExceptionHandler.newBuilder()
                .match(EntityStreamSizeException.class, e -> complete(error(StatusCodes.PAYLOAD_TOO_LARGE, "the body is larger than " + MAX_BODY + " bytes")))
                .matchAny(e -> {
                    Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                    if (t instanceof EntityStreamSizeException) return complete(error(StatusCodes.PAYLOAD_TOO_LARGE, "the body is larger than " + MAX_BODY + " bytes"));
                    if (t instanceof java.util.concurrent.TimeoutException) {
                        return complete(error(StatusCodes.SERVICE_UNAVAILABLE, "the level did not answer in time; try again"));
                    }
                    return complete(error(StatusCodes.INTERNAL_SERVER_ERROR, "the node failed: " + t.getClass().getSimpleName() + ": " + t.getMessage()));
                })
                .build();
    }

    // ---- answers -------------------------------------------------------------------------------------------------

    private Route health() {
        ObjectNode o = JSON.createObjectNode();
        o.put("status", "ok");
        o.put("pid", ProcessHandle.current().pid());
        o.put("version", zed.actors.cli.Build.current().version());
        o.put("node", org.apache.pekko.cluster.typed.Cluster.get(system).selfMember().address().toString());
        return complete(json(StatusCodes.OK, o));
    }

    private Route list() {
        return completeWithFuture(levels.refresh().thenApply(known -> {
            ObjectNode o = JSON.createObjectNode();
            ArrayNode a = o.putArray("levels");
            known.all().forEach(a::add);
            return json(StatusCodes.OK, o);
        }));
    }

    private EntityRef<LevelCommand> entity(String id) {
        return sharding.entityRefFor(LevelEntity.KEY, id);
    }

    private CompletionStage<LevelCommand.Status> status(String id) {
        return entity(id).ask(LevelCommand.Get::new, ASK);
    }

    /**
     * A level's status from the level itself, or, when it cannot answer in time (its journal is down and it restarts
     * until the journal is back), the last it posted on the node's board, marked so.
     */
    private CompletionStage<HttpResponse> read(String id) {
        // a node knows the instances it runs before it reads the others' from the placement table
        if (!levels.instances(id).isEmpty()) return levels.refresh().thenCompose(k -> instances.read(id, k.instances(id))).thenCompose(o -> rollouts.withRollout(id, o));
        return entity(id).<LevelCommand.Status>ask(LevelCommand.Get::new, READ).handle((s, e) -> {
            if (e == null) return s.state().exists() ? json(StatusCodes.OK, StatusJson.of(s).put("host", levels.hostOf(id))) : error(StatusCodes.NOT_FOUND, "no such level: " + id);
            // a level whose host was downed cannot answer until it is placed again: its failing auto failover says why
            zed.actors.cluster.FailoverTries.Failing failing = failoverTries.of(id);
            if (failing != null) return error(StatusCodes.SERVICE_UNAVAILABLE, "level " + id + " does not answer: " + failing.line(id));
            zed.actors.level.StatusBoard.Posted last = board.last(id);
            if (last == null) return error(StatusCodes.SERVICE_UNAVAILABLE, "level " + id + " does not answer, and has posted no status yet; try again");
            ObjectNode o = StatusJson.of(last.status());
            o.put("asOf", last.at().toString());
            o.put("note", "the level does not answer now (is its journal down?): this is its last status, from " + last.at());
            return json(StatusCodes.OK, o);
        });
    }

    /** Every level's status as {@link #read} answers it, as JSON (an error's JSON for a level that does not answer), for the dashboard. */
    private CompletionStage<List<JsonNode>> statuses() {
        org.apache.pekko.stream.Materializer mat = org.apache.pekko.stream.Materializer.matFromSystem(system);
        return levels.refresh().thenCompose(known -> {
            CompletableFuture<List<JsonNode>> all = CompletableFuture.completedFuture(new ArrayList<>());
            for (String id : known.all()) {
                CompletableFuture<JsonNode> one = read(id).thenCompose(r -> r.entity().toStrict(5000, mat)).thenApply(s -> {
                    JsonNode n = object(s.getData().utf8String());
                    ObjectNode o = n == null ? JSON.createObjectNode() : (ObjectNode) n;
                    if (!o.has("level")) o.put("level", id).put("state", "Unknown").put("error", o.path("errors").path(0).path("message").asText("no answer"));
                    return (JsonNode) o;
                }).toCompletableFuture();
                all = all.thenCombine(one, (acc, n) -> {
                    acc.add(n);
                    return acc;
                });
            }
            return all;
        });
    }

    /** A rollback the dashboard asks for: as {@code POST /v1/levels/{id}/rollback} answers it. */
    private CompletionStage<HttpResponse> stop(String id, boolean cascade) {
        return runningChildren(id).thenCompose(children -> {
            if (!children.isEmpty() && !cascade) {
                return done(error(StatusCodes.CONFLICT, "level " + id + " has levels below it (" + String.join(", ", children)
                        + "); stop them first, or ask for ?cascade=true"));
            }
            // children first, deepest first: a child never outlives the context it runs in
            CompletionStage<?> below = CompletableFuture.completedFuture(null);
            List<String> deepestFirst = new ArrayList<>(children);
            deepestFirst.sort((x, y) -> Integer.compare(y.split("/").length, x.split("/").length));
            for (String c : deepestFirst) below = below.thenCompose(x -> entity(c).ask(LevelCommand.Stop::new, STOP));
            if (!levels.instances(id).isEmpty()) return below.thenCompose(x -> levels.refresh()).thenCompose(k -> instances.stop(id, k.instances(id), STOP, false));
            return below.thenCompose(x -> entity(id).ask(LevelCommand.Stop::new, STOP)).thenApply(st -> json(StatusCodes.OK, StatusJson.of(st)));
        });
    }

    /** After a stop: the level's managed datasets are destroyed (snapshots first, children first). */
    private CompletionStage<HttpResponse> destroy(String id) {
        if (!levels.instances(id).isEmpty()) return levels.refresh().thenCompose(k -> instances.stop(id, k.instances(id), STOP, true));
        return entity(id).<zed.actors.resource.LevelDatasets.Destroyed>ask(LevelCommand.Destroy::new, Duration.ofMinutes(5)).thenApply(d -> {
            if (d.error() != null) return error(StatusCodes.CONFLICT, "level " + id + " stopped, but destroying its datasets failed: " + d.error());
            ObjectNode o = JSON.createObjectNode();
            o.put("level", id);
            o.put("state", "Stopped");
            ArrayNode a = o.putArray("destroyed");
            d.destroyed().forEach(a::add);
            return json(StatusCodes.OK, o);
        });
    }

    private CompletionStage<List<String>> runningChildren(String id) {
        CompletableFuture<List<String>> out = CompletableFuture.completedFuture(new ArrayList<>());
        for (String c : levels.below(id)) {
            out = out.thenCombine(status(c).toCompletableFuture(), (acc, st) -> {
                if (st.state().exists() && !st.state().stopped()) acc.add(c);
                return acc;
            });
        }
        return out;
    }

    /**
     * POST rollback {"target": "@latest" | "@rev:N" | "<snapshot>"}: 202 when the level journaled the rollback and
     * began it (its id in the answer), 404 when the target does not resolve on every dataset, 409 when the level
     * cannot roll back now (stopped, another rollback under way); nothing was done then.
     */
    private CompletionStage<HttpResponse> rollback(String id, String body) {
        JsonNode req = object(body);
        if (req == null) return done(error(StatusCodes.BAD_REQUEST, notAnObject(body, "{\"target\": \"@latest\" | \"@rev:N\" | \"<snapshot>\"}")));
        String target = req.hasNonNull("target") && req.get("target").isTextual() ? req.get("target").asText() : null;
        if (target == null) return done(error(StatusCodes.BAD_REQUEST, "the body must be {\"target\": \"@latest\" | \"@rev:N\" | \"<snapshot>\"}"));
        if (req.has("planHash") && !req.get("planHash").isTextual()) return done(error(StatusCodes.BAD_REQUEST, "\"planHash\" must be a string: the one rollback-plan answered"));
        String planHash = text(req, "planHash");
        return entity(id).<LevelCommand.RollbackAnswer>ask(reply -> new LevelCommand.RollbackTo(target, reply, planHash), ASK).thenApply(a -> {
            if (a instanceof LevelCommand.RollbackRefused r) return rollbackRefused(r);
            LevelCommand.RollbackAccepted ok = (LevelCommand.RollbackAccepted) a;
            ObjectNode o = JSON.createObjectNode();
            o.put("level", id);
            o.put("target", ok.target());
            o.put("rollback", ok.id());
            o.put("from", ok.from());
            o.put("state", "RollingBack");
            return json(StatusCodes.ACCEPTED, o);
        });
    }

    /**
     * POST job-rollback {"job": "a", "checkpoint": "ckpt-1"}: the job's dataset goes back to that checkpoint (the
     * newer snapshots destroyed) and the job runs again from it. Only on the level's own host's node: the job's
     * checkpoints are that host's snapshots, and its operator asks that node.
     */
    private CompletionStage<HttpResponse> jobRollback(String id, String body) {
        JsonNode req = object(body);
        String job = req != null && req.path("job").isTextual() ? req.get("job").asText() : null;
        String checkpoint = req != null && req.path("checkpoint").isTextual() ? req.get("checkpoint").asText() : null;
        if (job == null || checkpoint == null) return done(error(StatusCodes.BAD_REQUEST, "the body must be {\"job\": \"NAME\", \"checkpoint\": \"ckpt-N\"}"));
        String host = levels.hostOf(id);
        if (host != null && !host.equals(levels.self())) {
            return done(error(StatusCodes.CONFLICT, "level " + id + " runs on host " + host + ", not on this node's host " + levels.self()
                    + ": its job's checkpoints are there; ask that host's node (zed --node URL job rollback ...)"));
        }
        if (checkpoint.startsWith("@")) checkpoint = checkpoint.substring(1);
        String to = checkpoint;
        return entity(id).<LevelCommand.JobRollbackAnswer>ask(reply -> new LevelCommand.RollBackJob(job, to, reply), Duration.ofSeconds(90)).thenApply(a -> {
            if (a.why() != null) {
                return error(switch (a.why()) {
                    case "NO_SUCH_JOB", "NOT_A_CHECKPOINT" -> StatusCodes.NOT_FOUND;
                    default -> StatusCodes.CONFLICT;
                }, a.message());
            }
            ObjectNode o = JSON.createObjectNode();
            o.put("level", id);
            o.put("job", job);
            o.put("checkpoint", a.snapshot());
            o.put("step", a.step());
            ArrayNode destroyed = o.putArray("destroyed");
            a.destroyed().forEach(destroyed::add);
            return json(StatusCodes.OK, o);
        });
    }

    /** POST move {"to": "h3"}: a planned move ({@link LevelMove}); 200 once the level converges its revision there. */
    private CompletionStage<HttpResponse> move(String id, String body) {
        JsonNode req = object(body);
        String to = req != null && req.hasNonNull("to") && req.get("to").isTextual() ? req.get("to").asText() : null;
        if (to == null) return done(error(StatusCodes.BAD_REQUEST, "the body must be {\"to\": \"HOST\"}"));
        return new LevelMove(system, this::entity, table, levels).run(id, to);
    }

    /** POST job-move {"job": "train", "to": "h3"}: the job's level moves there, and the job resumes there ({@link LevelJobMove}). */
    private CompletionStage<HttpResponse> jobMove(String id, String body) {
        JsonNode req = object(body);
        String job = req != null && req.path("job").isTextual() ? req.get("job").asText() : null;
        String to = req != null && req.path("to").isTextual() ? req.get("to").asText() : null;
        if (job == null || to == null) return done(error(StatusCodes.BAD_REQUEST, "the body must be {\"job\": \"NAME\", \"to\": \"HOST\"}"));
        return new LevelJobMove(system, this::entity, table, levels).run(id, job, to);
    }

    /**
     * A failover as {@code POST .../failover} runs it, for {@link zed.actors.cluster.AutoFailover}: its answer in one
     * line (the status, and the body: the level's new place and snapshot, or why not).
     */
    public CompletionStage<String> failOver(String id, String to) {
        return levels.knows(id).thenCompose(known -> !known ? done("no such level: " + id)
                // AutoFailover acts only on a host it saw the cluster down
                : new LevelFailover(system, this::entity, table, levels).run(id, to, true).thenCompose(r -> r.entity().toStrict(5000, org.apache.pekko.stream.Materializer.matFromSystem(system))
                .thenApply(body -> r.status().intValue() + " " + withoutSource(body.getData().utf8String()))));
    }

    /** This node's auto failovers that failed and will be tried again, for {@link zed.actors.cluster.AutoFailover}. */
    public zed.actors.cluster.FailoverTries failoverTries() {
        return failoverTries;
    }

    /** The answer for a log: the Zedfile's text stays out of it (it is the operator's, and may say more than a log should). */
    private static String withoutSource(String body) {
        try {
            JsonNode n = JSON.readTree(body);
            if (n instanceof ObjectNode o) o.remove("source");
            return n.toString();
        } catch (java.io.IOException e) {
            return body;
        }
    }

    /**
     * POST failover {"to": "h3", "force": false}: its host is lost ({@link LevelFailover}); 200 once its revision runs
     * there. {@code force}: from a host that left, or of no record ({@link zed.actors.cluster.FailoverRule}).
     */
    private CompletionStage<HttpResponse> failover(String id, String body) {
        JsonNode req = object(body);
        String to = req != null && req.hasNonNull("to") && req.get("to").isTextual() ? req.get("to").asText() : null;
        if (to == null) return done(error(StatusCodes.BAD_REQUEST, "the body must be {\"to\": \"HOST\"}"));
        JsonNode force = req.get("force");
        if (force != null && !force.isBoolean()) return done(error(StatusCodes.BAD_REQUEST, "force must be true or false"));
        return new LevelFailover(system, this::entity, table, levels).run(id, to, force != null && force.asBoolean());
    }

    /** POST sudo {}: the level runs its services' sudo hooks on this host and answers what each did. */
    private CompletionStage<HttpResponse> sudo(String id, String body) {
        if (object(body) == null) return done(error(StatusCodes.BAD_REQUEST, notAnObject(body, "{}")));
        return entity(id).<LevelCommand.SudoRan>ask(LevelCommand.RunSudo::new, LONGEST_ANSWER).thenApply(r -> {
            if (r.error() != null && r.hooks().isEmpty()) return error(StatusCodes.CONFLICT, r.error());
            ObjectNode o = JSON.createObjectNode();
            o.put("level", id);
            ArrayNode reports = o.putArray("hooks");
            for (LevelCommand.HookRun h : r.hooks()) {
                ObjectNode n = reports.addObject();
                n.put("service", h.service());
                n.put("hook", h.hook());
                n.put("outcome", h.outcome());
                n.put("detail", h.detail());
            }
            if (r.error() != null) o.put("error", r.error());
            return json(StatusCodes.OK, o);
        });
    }

    /** What a converge of the level's desired revision would change on this host now; changes nothing. */
    private CompletionStage<HttpResponse> plan(String id) {
        return entity(id).<LevelCommand.Planned>ask(LevelCommand.Plan::new, Duration.ofMinutes(2)).thenApply(p -> {
            if (p.error() != null) return error(StatusCodes.CONFLICT, p.error());
            try {
                return json(StatusCodes.OK, JSON.readTree(p.json()));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    /** The snapshots of the level's datasets on its host, newest first, each with the revision it carries and when it was taken. */
    private CompletionStage<HttpResponse> snapshots(String id) {
        return entity(id).<LevelCommand.SnapshotList>ask(LevelCommand.ListSnapshots::new, Duration.ofMinutes(2)).thenApply(p -> {
            if (p.error() != null) return error(StatusCodes.CONFLICT, p.error());
            try {
                return json(StatusCodes.OK, JSON.readTree(p.json()));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    private static HttpResponse rollbackRefused(LevelCommand.RollbackRefused r) {
        return error(switch (r.why()) {
            case NO_SUCH_LEVEL, NO_SUCH_TARGET -> StatusCodes.NOT_FOUND;
            case CONFLICT, PLAN_CHANGED -> StatusCodes.CONFLICT;
        }, r.message());
    }

    /**
     * A push's body: the Zedfile, where it lives, the level above; {@code planHash} the hash of the plan the operator
     * was shown (push-plan), null when none.
     */
    private record PushBody(String source, String filename, String dir, String parent, boolean restart, String planHash) {
    }

    /** The body as a {@link PushBody}, or the 400 that says what is wrong with it. */
    private static Object pushBody(String body) {
        JsonNode req = object(body);
        if (req == null) return error(StatusCodes.BAD_REQUEST, notAnObject(body, "{\"source\", \"filename\", \"dir\", \"parent\"}"));
        String source = text(req, "source");
        String dir = text(req, "dir");
        String filename = req.hasNonNull("filename") ? text(req, "filename") : Chain.FILENAME;
        String parent = req.hasNonNull("parent") ? text(req, "parent") : null;
        String planHash = req.hasNonNull("planHash") ? text(req, "planHash") : null;
        boolean restart = req.path("restart").asBoolean(false);
        if (source == null || dir == null || filename == null || (req.hasNonNull("parent") && parent == null) || (req.hasNonNull("planHash") && planHash == null)) {
            return error(StatusCodes.BAD_REQUEST, "\"source\" and \"dir\" are required strings; \"filename\", \"parent\" and \"planHash\" are optional strings");
        }
        if (!absolutePath(dir) || !plainName(filename)) return error(StatusCodes.BAD_REQUEST, "\"dir\" must be an absolute path and \"filename\" a plain name");
        if (parent != null && !LevelPath.valid(parent)) return error(StatusCodes.BAD_REQUEST, "\"parent\" is not a level id: " + parent);
        return new PushBody(source, filename, dir, parent, restart, planHash);
    }

    /**
     * POST push-plan, a push's body: what pushing it would do now, resource by resource, the source diff, and the
     * plan's hash, which the push brings back to be refused should the plan have changed; or the Zedfile's errors at
     * their lines (400). Changes nothing.
     */
    private CompletionStage<HttpResponse> pushPlan(String id, String body) {
        if (!(pushBody(body) instanceof PushBody b)) return done((HttpResponse) pushBody(body));
        return entity(id).<LevelCommand.Previewed>ask(reply -> new LevelCommand.PreviewPush(b.source(), b.filename(), b.dir(), b.parent(), reply), Duration.ofMinutes(2))
                .thenApply(p -> p.refused() != null ? refused(p.refused()) : json(StatusCodes.OK, tree(p.json())));
    }

    /** GET rollback-plan?target=...: what rolling back to the target would change, and the plan's hash; changes nothing. */
    private CompletionStage<HttpResponse> rollbackPlan(String id, String target) {
        if (target == null || target.isEmpty()) return done(error(StatusCodes.BAD_REQUEST, "give ?target=@latest | @rev:N | SNAPSHOT"));
        return entity(id).<LevelCommand.Previewed>ask(reply -> new LevelCommand.PreviewRollback(target, reply), Duration.ofMinutes(2))
                .thenApply(p -> p.rollbackRefused() != null ? rollbackRefused(p.rollbackRefused()) : json(StatusCodes.OK, tree(p.json())));
    }

    /**
     * GET revisions: the revisions the level keeps, newest first, each with its Zedfile as pushed and where it lives
     * (what the dashboard's Plan page edits and its Rollback page picks from). Changes nothing.
     */
    private CompletionStage<HttpResponse> revisions(String id) {
        return entity(id).<LevelCommand.Status>ask(LevelCommand.Get::new, READ).thenApply(s -> json(StatusCodes.OK, RevisionsJson.of(s.state())));
    }

    private static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** PUT: the level evaluates the pushed Zedfile against the chain above it and accepts it, or says why not. */
    private CompletionStage<HttpResponse> push(String id, String body) {
        if (!(pushBody(body) instanceof PushBody b)) return done((HttpResponse) pushBody(body));
        String source = b.source(), filename = b.filename(), dir = b.dir(), parent = b.parent();
        boolean restart = b.restart();
        zed.config.DeclaredHost declared;
        zed.config.DeclaredHost standby;
        zed.config.eval.DeclaredRollout rollout;
        List<zed.config.DeclaredHost> modelSources;
        try {
            declared = zed.config.DeclaredHost.of(filename, source);
            standby = zed.config.DeclaredHost.standby(filename, source);
            modelSources = zed.config.DeclaredHost.modelSources(filename, source);
            rollout = declared.multi() ? zed.config.eval.DeclaredRollout.of(filename, source) : null;
        } catch (zed.config.ZedfileException e) {
            return done(diagnostics(e.diagnostics()));
        }
        String noStandby = standby.host() == null ? null
                : zed.actors.cluster.PlacementRule.notAMember(standby.host(), PlacementTable.Members.hostNames(org.apache.pekko.cluster.typed.Cluster.get(system)));
        if (noStandby != null) return done(diagnostics(List.of(new Diagnostic(standby.pos(), "failover.standby: " + noStandby))));
        for (zed.config.DeclaredHost from : modelSources) {
            String notThere = zed.actors.cluster.PlacementRule.notAMember(from.host(), PlacementTable.Members.hostNames(org.apache.pekko.cluster.typed.Cluster.get(system)));
            if (notThere != null) return done(diagnostics(List.of(new Diagnostic(from.pos(), "source.host: " + notThere))));
        }
        // a level on several hosts below one on several hosts: each instance would follow each parent instance's change
        // by itself, outside a rollout; refused before anything is placed
        CompletionStage<Boolean> belowMulti = declared.multi() && parent != null
                ? levels.knows(parent).thenApply(k -> !levels.instances(parent).isEmpty()) : CompletableFuture.completedFuture(false);
        return belowMulti.thenCompose(refused -> refused
                ? done(diagnostics(List.of(new Diagnostic(declared.pos(), "level.hosts: the parent level " + parent + " runs on several hosts too:"
                        + " a level on several hosts below a level on several hosts is not supported yet; place this one on one host (host = \"NAME\")"))))
                : place(id, declared, rollout, source, filename, dir, parent, restart, modelSources, b.planHash()));
    }

    private CompletionStage<HttpResponse> place(String id, zed.config.DeclaredHost declared, zed.config.eval.DeclaredRollout rollout, String source, String filename,
                                                String dir, String parent, boolean restart, List<zed.config.DeclaredHost> modelSources, String planHash) {
        // a new level of GPU jobs that names no host goes to a host whose GPUs fit them
        zed.config.eval.DeclaredGpus gpus = declared.host() == null && !declared.multi() ? zed.config.eval.DeclaredGpus.of(filename, source)
                : zed.config.eval.DeclaredGpus.NONE;
        return GpuHostChoice.forNewLevel(system, levels, id, gpus).thenCompose(choice -> {
            if (choice instanceof zed.reconciler.gpu.GpuLevelHost.Refused r) return done(diagnostics(List.of(GpuHostChoice.refusal(gpus, r))));
            String receiving = choice instanceof zed.reconciler.gpu.GpuLevelHost.Chosen c ? c.host() : levels.self();
            return place(id, declared, receiving, rollout, source, filename, dir, parent, restart, modelSources, planHash);
        });
    }

    private CompletionStage<HttpResponse> place(String id, zed.config.DeclaredHost declared, String receiving, zed.config.eval.DeclaredRollout rollout,
                                                String source, String filename, String dir, String parent, boolean restart,
                                                List<zed.config.DeclaredHost> modelSources, String planHash) {
        // the level runs on its host, and evaluates its Zedfile there: placed first (or found placed), then pushed
        return org.apache.pekko.actor.typed.javadsl.AskPattern.<PlacementTable.Command, PlacementTable.Answer>ask(table,
                reply -> new PlacementTable.Place(id, declared.host(), declared.hosts(), receiving, reply), ASK, system.scheduler()).thenCompose(placed -> {
            if (placed instanceof PlacementTable.Refused r) {
                if (r.why() == zed.actors.cluster.PlacementRule.Refuse.Why.NOT_A_MEMBER) {
                    return done(diagnostics(List.of(new Diagnostic(declared.pos(), (declared.multi() ? "level.hosts: " : "level.host: ") + r.message()))));
                }
                return done(error(StatusCodes.CONFLICT, r.message()));
            }
            PlacementTable.Placed p = (PlacementTable.Placed) placed;
            // a model's weights from the host the level runs on are in its own pool: nothing to receive
            for (zed.config.DeclaredHost from : modelSources) {
                if (!from.host().equals(p.host())) continue;
                Diagnostic own = new Diagnostic(from.pos(), "source.host: \"" + from.host() + "\" is the host this level runs on: use source { path = ... }, "
                        + "or set the model's dataset to the dataset that holds the weights");
                return (p.fresh() ? unplace(id) : done(null)).thenApply(x -> diagnostics(List.of(own)));
            }
            if (planHash != null && !p.hosts().isEmpty()) {
                // its plan is each instance's, and push-plan answers for a level on one host only: refused, not applied unchecked
                return (p.fresh() ? unplace(id) : done(null)).thenApply(x -> error(StatusCodes.CONFLICT, "level " + id + " runs on several hosts: "
                        + "a push with a plan's hash is not supported for it yet; push without \"planHash\""));
            }
            // a level's first revision goes to every host at once (there is nothing to go back to); later ones roll out
            if (!p.hosts().isEmpty()) return p.fresh() ? instances.push(p, source, filename, dir, parent, restart)
                    : rollouts.start(p, rollout, source, filename, dir, parent, restart);
            levels.put(id, p.host());
            return entity(id).<LevelCommand.Pushed>ask(reply -> new LevelCommand.Push(source, filename, dir, parent, restart, reply, planHash), ASK)
                    .thenCompose(answer -> answer instanceof LevelCommand.Refused && p.fresh() ? unplace(id).thenApply(x -> answer) : done(answer))
                    .thenApply(answer -> pushed(p, restart, answer));
        });
    }

    /**
     * A level that never got a revision has no place: its first push was refused. Taken back before the refusal is
     * answered (unless another push, at the same time, gave the level a revision).
     */
    private CompletionStage<Object> unplace(String id) {
        return status(id).thenCompose(st -> {
            if (st.state().exists()) return done(null);
            levels.remove(id);
            return org.apache.pekko.actor.typed.javadsl.AskPattern.<PlacementTable.Command, PlacementTable.Placements>ask(table,
                    reply -> new PlacementTable.Unplace(id, reply), ASK, system.scheduler()).thenApply(placements -> {
                levels.replace(placements.levels());
                return null;
            });
        });
    }

    private HttpResponse pushed(PlacementTable.Placed placed, boolean restart, LevelCommand.Pushed answer) {
        if (answer instanceof LevelCommand.Refused r) return refused(r);
        LevelCommand.Accepted a = (LevelCommand.Accepted) answer;
        ObjectNode o = JSON.createObjectNode();
        o.put("level", a.level());
        o.put("revision", a.revision());
        o.put("hash", a.hash());
        o.put("changed", a.changed());
        o.put("host", placed.host());
        if (restart && !a.changed()) o.put("restarted", true);
        return json(StatusCodes.OK, o);
    }

    private static HttpResponse refused(LevelCommand.Refused r) {
        if (r.why() == LevelCommand.Refused.Why.NO_PARENT || r.why() == LevelCommand.Refused.Why.PLAN_CHANGED) return error(StatusCodes.CONFLICT, r.message());
        return r.errors().isEmpty() ? error(StatusCodes.BAD_REQUEST, r.message()) : diagnostics(r.errors());
    }

    // ---- JSON helpers ------------------------------------------------------------------------------------------

    /** The body as a JSON object, or null when it is not one. */
    private static JsonNode object(String body) {
        try {
            JsonNode n = JSON.readTree(body);
            return n != null && n.isObject() ? n : null;
        } catch (Exception e) {
            return null;
        }
    }

    /** Why a body is no JSON object: what the parser said, or what it is instead. */
    private static String notAnObject(String body, String shape) {
        try {
            JsonNode n = JSON.readTree(body);
            return "the body must be a JSON object " + shape + (n == null || n.isMissingNode() ? ", not empty" : ", not " + n.getNodeType().toString().toLowerCase());
        } catch (Exception e) {
            String m = e.getMessage() == null ? e.toString() : e.getMessage();
            int nl = m.indexOf('\n');
            return "the body is not JSON: " + (nl < 0 ? m : m.substring(0, nl));
        }
    }

    /** An absolute path this host can name: a NUL, which no path may hold, is refused here, not found by the level. */
    private static boolean absolutePath(String dir) {
        try {
            return Path.of(dir).isAbsolute();
        } catch (java.nio.file.InvalidPathException e) {
            return false;
        }
    }

    private static boolean plainName(String filename) {
        return !filename.isEmpty() && !filename.equals(".") && !filename.equals("..") && !filename.contains("/") && filename.indexOf('\0') < 0;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.isTextual() ? v.asText() : null;
    }

    private static <T> CompletionStage<T> done(T t) {
        return CompletableFuture.completedFuture(t);
    }

    static HttpResponse json(StatusCode code, JsonNode body) {
        return HttpResponse.create().withStatus(code).withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body.toString()));
    }

    static String errors(String message) {
        ObjectNode o = JSON.createObjectNode();
        o.putArray("errors").addObject().put("message", message);
        return o.toString();
    }

    static HttpResponse error(StatusCode code, String message) {
        return HttpResponse.create().withStatus(code).withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, errors(message)));
    }

    static HttpResponse diagnostics(List<Diagnostic> ds) {
        ObjectNode o = JSON.createObjectNode();
        ArrayNode a = o.putArray("errors");
        for (Diagnostic d : ds) {
            ObjectNode e = a.addObject();
            // an error that has no place in a file (Pos.NONE: the level could not evaluate at all) is a message only
            if (d.pos().line() >= 1) {
                e.put("file", d.pos().file());
                e.put("line", d.pos().line());
                e.put("col", d.pos().col());
            }
            e.put("message", d.message());
        }
        return json(StatusCodes.BAD_REQUEST, o);
    }
}
