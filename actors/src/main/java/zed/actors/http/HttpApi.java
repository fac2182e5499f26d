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
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import zed.actors.level.LevelEntity;
import zed.actors.node.NodeConfig;
import zed.config.Chain;
import zed.config.Diagnostic;
import zed.config.LevelSpec;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The node's HTTP API (JSON): levels pushed, listed, read and stopped, and the node's health. Every error is JSON
 * with a message a person can act on; a body that is too large or not JSON is a 4xx, never a 500.
 */
public final class HttpApi extends AllDirectives {
    static final long MAX_BODY = 1 << 20;
    static final Duration ASK = Duration.ofSeconds(15);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ActorSystem<Void> system;
    private final NodeConfig config;
    private final ApiToken token;
    private final ClusterSharding sharding;
    private final EventsRoute events;

    private final zed.actors.level.LevelHost host;

    public HttpApi(ActorSystem<Void> system, NodeConfig config, ApiToken token, zed.actors.level.LevelHost host) {
        this.host = host;
        this.system = system;
        this.config = config;
        this.token = token;
        this.sharding = ClusterSharding.get(system);
        this.events = new EventsRoute(system);
    }

    // ---- routes ----------------------------------------------------------------------------------------------------

    public Route route() {
        Route api = concat(
                path(segment("v1").slash("health"), () -> get(this::health)),
                path(segment("v1").slash("events"), () -> get(() -> events.route())),
                pathPrefix(segment("v1").slash("levels"), () -> concat(
                        pathEndOrSingleSlash(() -> get(this::list)),
                        extractUnmatchedPath(rest -> {
                            String id = rest.startsWith("/") ? rest.substring(1) : rest;
                            if (id.endsWith("/sudo")) {
                                String level = id.substring(0, id.length() - 5);
                                return post(() -> completeWithFuture(sudo(level)));
                            }
                            if (id.endsWith("/rollback")) {
                                String level = id.substring(0, id.length() - 9);
                                return post(() -> withSizeLimit(MAX_BODY, () -> entity(Unmarshaller.entityToString(), body -> completeWithFuture(rollback(level, body)))));
                            }
                            if (id.endsWith("/plan")) {
                                String level = id.substring(0, id.length() - 5);
                                return get(() -> completeWithFuture(plan(level)));
                            }
                            if (!id.matches("[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*")) return complete(error(StatusCodes.NOT_FOUND, "no such level: " + id));
                            return concat(
                                    put(() -> withSizeLimit(MAX_BODY, () -> entity(Unmarshaller.entityToString(), body -> completeWithFuture(push(id, body))))),
                                    get(() -> completeWithFuture(read(id))),
                                    delete(() -> parameterOptional("cascade", cascade -> parameterOptional("destroy", destroy ->
                                            completeWithFuture(stop(id, cascade.map("true"::equals).orElse(false)).thenCompose(r ->
                                                    r.status().isSuccess() && destroy.map("true"::equals).orElse(false) ? destroy(id) : done(r)))))));
                        }))));
        Route guarded = token == null ? api : optionalHeaderValueByName("Authorization", auth ->
                token.accepts(auth.orElse(null)) ? api : complete(error(StatusCodes.UNAUTHORIZED,
                        "this node listens beyond loopback: send Authorization: Bearer <the token in " + ApiToken.file(config.stateDir()) + ">")));
        return handleRejections(rejections(), () -> handleExceptions(exceptions(), () -> guarded));
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
                    return complete(error(StatusCodes.INTERNAL_SERVER_ERROR, "the node failed: " + t.getClass().getSimpleName() + ": " + t.getMessage()));
                })
                .build();
    }

    // ---- answers -------------------------------------------------------------------------------------------------

    private Route health() {
        ObjectNode o = JSON.createObjectNode();
        o.put("status", "ok");
        o.put("pid", ProcessHandle.current().pid());
        String v = HttpApi.class.getPackage().getImplementationVersion();
        o.put("version", v == null ? "dev" : v);
        o.put("node", org.apache.pekko.cluster.typed.Cluster.get(system).selfMember().address().toString());
        return complete(json(StatusCodes.OK, o));
    }

    private Route list() {
        CompletionStage<HttpResponse> r = levelIds().thenApply(ids -> {
                    ObjectNode o = JSON.createObjectNode();
                    ArrayNode a = o.putArray("levels");
                    ids.stream().sorted().forEach(a::add);
                    return json(StatusCodes.OK, o);
                });
        return completeWithFuture(r);
    }

    private EntityRef<LevelEntity.Command> entity(String id) {
        return sharding.entityRefFor(LevelEntity.KEY, id);
    }

    private CompletionStage<LevelEntity.State> state(String id) {
        return status(id).thenApply(LevelEntity.Status::state);
    }

    private CompletionStage<LevelEntity.Status> status(String id) {
        return entity(id).ask(LevelEntity.Get::new, ASK);
    }

    private CompletionStage<HttpResponse> read(String id) {
        return status(id).thenApply(s -> {
            if (!s.state().exists()) return error(StatusCodes.NOT_FOUND, "no such level: " + id);
            return json(StatusCodes.OK, statusJson(s));
        });
    }

    private CompletionStage<HttpResponse> stop(String id, boolean cascade) {
        return state(id).thenCompose(s -> {
            if (!s.exists()) return CompletableFuture.completedFuture(error(StatusCodes.NOT_FOUND, "no such level: " + id));
            return runningChildren(id).thenCompose(children -> {
                if (!children.isEmpty() && !cascade) {
                    return done(error(StatusCodes.CONFLICT, "level " + id + " has levels below it (" + String.join(", ", children)
                            + "); stop them first, or ask for ?cascade=true"));
                }
                // children first, deepest first: a child never outlives the context it runs in
                CompletionStage<?> below = CompletableFuture.completedFuture(null);
                List<String> deepestFirst = new ArrayList<>(children);
                deepestFirst.sort((x, y) -> Integer.compare(y.split("/").length, x.split("/").length));
                for (String c : deepestFirst) below = below.thenCompose(x -> entity(c).ask(LevelEntity.Stop::new, ASK));
                return below.thenCompose(x -> entity(id).ask(LevelEntity.Stop::new, ASK)).thenApply(st -> json(StatusCodes.OK, statusJson(st)));
            });
        });
    }

    /** After a stop: the level's managed datasets are destroyed (snapshots first, children first). */
    private CompletionStage<HttpResponse> destroy(String id) {
        return entity(id).<zed.actors.resource.LevelDatasets.Destroyed>ask(LevelEntity.Destroy::new, Duration.ofMinutes(5)).thenApply(d -> {
            if (d.error() != null) return error(StatusCodes.CONFLICT, "level " + id + " stopped, but destroying its datasets failed: " + d.error());
            ObjectNode o = JSON.createObjectNode();
            o.put("level", id);
            o.put("state", "Stopped");
            ArrayNode a = o.putArray("destroyed");
            d.destroyed().forEach(a::add);
            return json(StatusCodes.OK, o);
        });
    }

    /** Every level id on this node. Level ids are paths, so the levels below X are those starting with "X/". */
    private CompletionStage<List<String>> levelIds() {
        return LevelEntity.ids(system);
    }

    private CompletionStage<List<String>> runningChildren(String id) {
        return levelIds().thenCompose(ids -> {
            List<String> below = ids.stream().filter(x -> x.startsWith(id + "/")).toList();
            CompletableFuture<List<String>> out = CompletableFuture.completedFuture(new ArrayList<>());
            for (String c : below) {
                out = out.thenCombine(state(c).toCompletableFuture(), (acc, st) -> {
                    if (st.exists() && !st.stopped()) acc.add(c);
                    return acc;
                });
            }
            return out;
        });
    }

    /**
     * POST rollback: the target must resolve on every dataset of the level before anything moves (a 404 otherwise);
     * then the level stops its services, rolls its datasets back and converges the revision they carry. 202: it runs.
     */
    private CompletionStage<HttpResponse> rollback(String id, String body) {
        String target;
        try {
            JsonNode req = JSON.readTree(body);
            target = req != null && req.hasNonNull("target") && req.get("target").isTextual() ? req.get("target").asText() : null;
        } catch (Exception e) {
            return done(error(StatusCodes.BAD_REQUEST, "the body is not JSON: " + firstLine(e.getMessage())));
        }
        if (target == null) return done(error(StatusCodes.BAD_REQUEST, "the body must be {\"target\": \"@latest\" | \"@rev:N\" | \"<snapshot>\"}"));
        return state(id).thenComposeAsync(s -> {
            if (!s.exists()) return done(error(StatusCodes.NOT_FOUND, "no such level: " + id));
            LevelSpec spec = s.desiredSpec();
            if (spec.datasets().isEmpty()) return done(error(StatusCodes.CONFLICT, "level " + id + " has no datasets: there is nothing to roll back"));
            var store = host.store(spec);
            try {
                for (LevelSpec.DatasetSpec d : spec.datasets()) {
                    zed.reconciler.dataset.Snapshots.resolve(store, zed.reconciler.dataset.Planner.full(host.root(spec), d.name()), target);
                }
            } catch (zed.reconciler.store.StoreError e) {
                return done(error(StatusCodes.NOT_FOUND, e.getMessage()));
            }
            return entity(id).<LevelEntity.Status>ask(reply -> new LevelEntity.RollbackTo(target, reply), ASK).thenApply(st -> {
                ObjectNode o = JSON.createObjectNode();
                o.put("level", id);
                o.put("target", target);
                o.put("state", "RollingBack");
                return json(StatusCodes.ACCEPTED, o);
            });
        }, host.blocking());
    }

    /**
     * POST sudo: the {@code sudo} hooks of the level's services, on this host, in order: check unprivileged, apply
     * through the privilege command (ZED_SUDO_COMMAND or the system property zed.sudo.command, default
     * "sudo /bin/sh -c"), verify. Never part of a converge: only this call runs them.
     */
    private CompletionStage<HttpResponse> sudo(String id) {
        return state(id).thenApplyAsync(s -> {
            if (!s.exists()) return error(StatusCodes.NOT_FOUND, "no such level: " + id);
            String prefix = System.getProperty("zed.sudo.command", System.getenv().getOrDefault("ZED_SUDO_COMMAND", ""));
            List<String> privilege = prefix.isBlank() ? zed.reconciler.host.SudoHooks.DEFAULT_PRIVILEGE : List.of(prefix.trim().split("\\s+"));
            zed.reconciler.host.SudoHooks hooks = new zed.reconciler.host.SudoHooks(privilege, zed.reconciler.host.SudoHooks.DEFAULT_TIMEOUT, System.getenv());
            ObjectNode o = JSON.createObjectNode();
            o.put("level", id);
            ArrayNode reports = o.putArray("hooks");
            try {
                for (LevelSpec.ServiceSpec svc : s.desiredSpec().services()) {
                    for (zed.reconciler.host.SudoHooks.Report r : hooks.run(svc.sudo())) {
                        ObjectNode n = reports.addObject();
                        n.put("service", svc.ref());
                        n.put("hook", r.hook().name());
                        n.put("outcome", r.outcome().name());
                        n.put("detail", r.detail());
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return error(StatusCodes.SERVICE_UNAVAILABLE, "interrupted while running the hooks");
            }
            return json(StatusCodes.OK, o);
        }, host.blocking());
    }

    /** What a converge of the level's desired revision would change on this host now; changes nothing. */
    private CompletionStage<HttpResponse> plan(String id) {
        return state(id).thenApplyAsync(s -> {
            if (!s.exists()) return error(StatusCodes.NOT_FOUND, "no such level: " + id);
            LevelSpec spec = s.desiredSpec();
            var store = host.store(spec);
            var plan = zed.reconciler.dataset.Convergence.plan(spec, store, host.root(spec), zed.reconciler.dataset.Stamp.now(s.desired()));
            try {
                return json(StatusCodes.OK, JSON.readTree(plan.toJson()));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, host.blocking());
    }

    private static ObjectNode statusJson(LevelEntity.Status status) {
        LevelEntity.State s = status.state();
        ObjectNode o = JSON.createObjectNode();
        o.put("level", s.level());
        o.put("revision", s.revision());
        o.put("desiredRevision", s.desired());
        if (s.stableRevision() > 0) o.put("stableRevision", s.stableRevision());
        else o.putNull("stableRevision");
        o.put("hash", s.hash());
        o.put("state", s.phase());
        if (s.lastError() != null) o.put("error", s.lastError());
        if (s.parent() != null) o.put("parent", s.parent());
        ArrayNode resources = o.putArray("resources");
        LevelSpec spec = s.desiredSpec();
        if (spec != null) {
            java.util.Map<String, zed.actors.resource.DatasetActor.Report> kept = new java.util.HashMap<>();
            for (zed.actors.resource.DatasetActor.Report rep : status.datasets()) kept.put(rep.name(), rep);
            for (LevelSpec.DatasetSpec d : spec.datasets()) {
                ObjectNode r = resources.addObject();
                r.put("kind", "dataset");
                r.put("name", d.name());
                zed.actors.resource.DatasetActor.Report rep = kept.get(d.name());
                // its own actor's word once it keeps the dataset; until then the level's phase says it
                if (rep != null && !s.phase().equals("Stopped")) {
                    r.put("revision", rep.rev());
                    r.put("state", rep.state());
                    if (rep.error() != null) r.put("why", rep.error());
                } else {
                    r.put("state", s.phase().equals("Converged") ? "converged" : s.phase().toLowerCase());
                }
            }
        }
        for (zed.actors.resource.JailActor.Report rep : status.jails()) {
            ObjectNode r = resources.addObject();
            r.put("kind", "jail");
            r.put("name", rep.name());
            r.put("revision", rep.rev());
            r.put("state", s.phase().equals("Stopped") ? "stopped" : rep.state());
            if (rep.error() != null) r.put("why", rep.error());
        }
        for (zed.actors.resource.ServiceActor.Report rep : status.services()) {
            ObjectNode r = resources.addObject();
            r.put("kind", "service");
            r.put("name", rep.ref());
            r.put("revision", rep.rev());
            r.put("state", rep.state());
            r.put("health", rep.gate());
            if (rep.why() != null) r.put("why", rep.why());
            r.put("pid", rep.pid());
            LevelSpec.ServiceSpec svc = spec == null ? null : spec.services().stream().filter(x -> x.ref().equals(rep.ref())).findFirst().orElse(null);
            if (svc != null) {
                ObjectNode ports = r.putObject("ports");
                zed.reconciler.service.ServiceRun.ports(svc).forEach(ports::put);
            }
            if (rep.print() != null) r.put("print", rep.print());
        }
        return o;
    }

    /** PUT: parse, find the chain above, evaluate it with the pushed source, and let the entity accept it. */
    private CompletionStage<HttpResponse> push(String id, String body) {
        JsonNode req;
        try {
            req = JSON.readTree(body);
        } catch (Exception e) {
            return done(error(StatusCodes.BAD_REQUEST, "the body is not JSON: " + firstLine(e.getMessage())));
        }
        if (req == null || !req.isObject()) return done(error(StatusCodes.BAD_REQUEST, "the body must be a JSON object {\"source\", \"filename\", \"dir\", \"parent\"}"));
        String source = text(req, "source");
        String dir = text(req, "dir");
        String filename = req.hasNonNull("filename") ? text(req, "filename") : Chain.FILENAME;
        String parent = req.hasNonNull("parent") ? text(req, "parent") : null;
        boolean restart = req.path("restart").asBoolean(false);
        if (source == null || dir == null || filename == null || (req.hasNonNull("parent") && parent == null)) {
            return done(error(StatusCodes.BAD_REQUEST, "\"source\" and \"dir\" are required strings; \"filename\" and \"parent\" are optional strings"));
        }
        if (!Path.of(dir).isAbsolute() || filename.contains("/")) return done(error(StatusCodes.BAD_REQUEST, "\"dir\" must be an absolute path and \"filename\" a plain name"));
        // the level runs where its pool is (on a cluster of one, here), and evaluates its Zedfile there
        return zed.actors.level.Placement.pinHere(system, id).thenCompose(pinned -> entity(id).<LevelEntity.Pushed>ask(
                reply -> new LevelEntity.Push(source, filename, dir, parent, restart, reply), ASK)).thenApply(answer -> {
            if (answer instanceof LevelEntity.Refused r) {
                if (r.why() == LevelEntity.Refused.Why.NO_PARENT) return error(StatusCodes.CONFLICT, r.message());
                return r.errors().isEmpty() ? error(StatusCodes.BAD_REQUEST, r.message()) : diagnostics(r.errors());
            }
            LevelEntity.Accepted a = (LevelEntity.Accepted) answer;
            ObjectNode o = JSON.createObjectNode();
            o.put("level", a.level());
            o.put("revision", a.revision());
            o.put("hash", a.hash());
            o.put("changed", a.changed());
            if (restart && !a.changed()) o.put("restarted", true);
            return json(StatusCodes.OK, o);
        });
    }

    // ---- JSON helpers ------------------------------------------------------------------------------------------

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.isTextual() ? v.asText() : null;
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int i = s.indexOf('\n');
        return i < 0 ? s : s.substring(0, i);
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
            e.put("file", d.pos().file());
            e.put("line", d.pos().line());
            e.put("col", d.pos().col());
            e.put("message", d.message());
        }
        return json(StatusCodes.BAD_REQUEST, o);
    }
}
