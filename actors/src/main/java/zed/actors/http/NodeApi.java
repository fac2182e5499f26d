package zed.actors.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.stream.Materializer;
import zed.actors.ui.Grant;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The node's own API, asked by a dashboard page on behalf of its session: the same routes, answers and refusals an
 * API client gets, so a page can do nothing the API would not let the session's token do. The session's scope is
 * checked against {@link RouteScopes} here (the guard's token check does not see these calls), and each call is
 * audited under the session's token name.
 */
final class NodeApi {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The longest answer a page waits for: sudo hooks and moves may take minutes, as through the API. */
    private static final long STRICT_MS = 10_000;

    /** An API answer: its status and its JSON body (an empty object when it had none). */
    record Answer(int status, JsonNode body) {
        boolean ok() {
            return status >= 200 && status < 300;
        }

        /** The first error's message, as the API words it; or {@code HTTP <status>}. */
        String error() {
            return body.path("errors").path(0).path("message").asText("HTTP " + status);
        }
    }

    private final ActorSystem<?> system;
    private final org.apache.pekko.japi.function.Function<HttpRequest, CompletionStage<HttpResponse>> api;
    private final AuditLog audit;

    /** @param api the API's routes, sealed (rejections and failures answered as the API answers them) */
    NodeApi(ActorSystem<?> system, org.apache.pekko.http.javadsl.server.Route api, AuditLog audit) {
        this.system = system;
        this.api = api.handler(system);
        this.audit = audit;
    }

    /** {@code method path} with a JSON body (null: none), as the session's grant; a scope it lacks is a 403 unasked. */
    CompletionStage<Answer> call(Grant grant, String method, String path, String jsonBody) {
        List<String> segments = segments(path);
        Scope needed = RouteScopes.needed(method, segments);
        TokenCheck.Caller caller = new TokenCheck.Caller(grant.token(), grant.scope());
        if (needed != null && !grant.scope().allows(needed)) {
            audit.record(caller, method, segments, 403);
            return CompletableFuture.completedFuture(new Answer(403, JSON.createObjectNode().set("errors", JSON.createArrayNode().add(
                    JSON.createObjectNode().put("message", "this session has scope " + grant.scope().word() + "; " + method + " "
                            + AuditLog.path(segments) + " needs " + needed.word())))));
        }
        HttpRequest req = HttpRequest.create(path).withMethod(HttpMethods.lookup(method).orElseThrow());
        if (jsonBody != null) req = req.withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, jsonBody));
        Materializer mat = Materializer.matFromSystem(system);
        try {
            return api.apply(req).thenCompose(r -> r.entity().toStrict(STRICT_MS, mat).thenApply(strict -> {
                audit.record(caller, method, segments, r.status().intValue());
                return new Answer(r.status().intValue(), read(strict.getData().utf8String()));
            }));
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** A path's segments decoded, as the guard sees them: a child level's id in one segment (infra%2Fshop) is the level infra/shop. */
    static List<String> segments(String path) {
        return Arrays.stream(path.replaceFirst("^/", "").replaceFirst("\\?.*$", "").split("/", -1))
                .map(part -> java.net.URLDecoder.decode(part.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8)).toList();
    }

    private static JsonNode read(String text) {
        try {
            JsonNode n = text.isBlank() ? null : JSON.readTree(text);
            return n == null ? JSON.createObjectNode() : n;
        } catch (java.io.IOException e) {
            return JSON.createObjectNode();
        }
    }
}
