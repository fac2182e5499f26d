package zed.actors.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.javadsl.Sink;
import zed.actors.ui.EventLine;
import zed.actors.ui.FleetView;
import zed.actors.ui.Pages;
import zed.actors.ui.Sessions;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

/**
 * The Fleet page ({@code /ui}): every level as a tree, live through a stream of HTML fragments
 * ({@code /ui/fleet/events}), and a rollback to the revision before ({@code POST /ui/levels/rollback}).
 */
final class FleetPage extends AllDirectives {
    /** How often an open Fleet page's levels are read again, events or not (a health change journals nothing). */
    private static final Duration REREAD = Duration.ofSeconds(2);

    private final ActorSystem<?> system;
    private final UiSessions gate;
    private final NodeApi api;
    private final Supplier<CompletionStage<List<JsonNode>>> statuses;
    /** Each level's newest published event, in words, since this node started. */
    private final Map<String, String> lastEvents = new ConcurrentHashMap<>();

    /** @param statuses every level's status as {@code GET /v1/levels/{id}} answers it */
    FleetPage(ActorSystem<?> system, UiSessions gate, NodeApi api, Supplier<CompletionStage<List<JsonNode>>> statuses) {
        this.system = system;
        this.gate = gate;
        this.api = api;
        this.statuses = statuses;
        PublishedEvents.source(system).runWith(Sink.foreach(e -> lastEvents.put(e.level(), EventLine.of(e.data()))), system);
    }

    /** The routes under {@code /ui}. */
    Route route() {
        return concat(
                pathEndOrSingleSlash(() -> get(() -> gate.session(this::fleet))),
                path(segment("fleet").slash("events"), () -> get(() -> gate.session(this::fleetEvents))),
                path(segment("levels").slash("rollback"), () -> post(() -> gate.session(s -> gate.form(s, form -> rollback(s, form))))));
    }

    private Route fleet(Sessions.Session s) {
        return completeWithFuture(rows().thenApply(rows -> UiAnswers.page(StatusCodes.OK, Pages.fleet(rows, s.grant(), s.csrf()))));
    }

    private CompletionStage<List<FleetView.Row>> rows() {
        return statuses.get().thenApply(all -> FleetView.of(all, Map.copyOf(lastEvents)));
    }

    /** The Fleet page's levels as HTML, live (event {@code fleet}): {@link LiveHtml}. */
    private Route fleetEvents(Sessions.Session s, String cookie) {
        return LiveHtml.stream(system, gate, cookie, REREAD, e -> true, () -> rows().thenApply(rows -> Pages.tree(rows, s.grant().mayDeploy(), s.csrf())), "fleet");
    }

    /** A rollback from the page, through the API's rollback route with the session's scope. */
    private Route rollback(Sessions.Session s, Map<String, String> form) {
        String level = form.getOrDefault("level", "");
        String target = form.getOrDefault("target", "");
        if (!LevelPath.valid(level) || target.isEmpty()) return complete(UiAnswers.fragment(StatusCodes.BAD_REQUEST, "name a level and a target"));
        String body = JsonNodeFactory.instance.objectNode().put("target", target).toString();
        return completeWithFuture(api.call(s.grant(), "POST", "/v1/levels/" + level + "/rollback", body).thenApply(a -> {
            String said = a.ok() ? "Rollback " + a.body().path("rollback").asText() + " of " + level + " to " + target + " started."
                    : "Rollback of " + level + " refused: " + a.error();
            return UiAnswers.fragment(a.ok() ? StatusCodes.OK : StatusCodes.get(a.status()), said);
        }));
    }
}
