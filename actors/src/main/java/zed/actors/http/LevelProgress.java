package zed.actors.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import zed.actors.ui.FleetView;
import zed.actors.ui.Pages;
import zed.actors.ui.Sessions;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * One level's state, live, after the Plan page applied a plan or the Rollback page started a rollback
 * ({@code /ui/progress?level=ID}): its status as HTML, again whenever the level publishes an event and every
 * {@link #REREAD}, sent only when it changed (event {@code progress}), as the Fleet page's stream does for all levels.
 */
final class LevelProgress extends AllDirectives {
    private static final Duration REREAD = Duration.ofSeconds(2);

    private final ActorSystem<?> system;
    private final UiSessions gate;
    private final NodeApi api;

    LevelProgress(ActorSystem<?> system, UiSessions gate, NodeApi api) {
        this.system = system;
        this.gate = gate;
        this.api = api;
    }

    Route route() {
        return path("progress", () -> get(() -> parameter("level", level -> gate.session((s, cookie) -> LevelPath.valid(level) ? stream(s, cookie, level) : reject()))));
    }

    /** The level's status through the API with the session's scope, as one Fleet row (Unknown, with why, when it does not answer). */
    CompletionStage<FleetView.Place> place(Sessions.Session s, String level) {
        return api.call(s.grant(), "GET", LevelPath.of(level), null).thenApply(a -> {
            JsonNode status = a.body();
            if (!a.ok()) {
                ObjectNode o = JsonNodeFactory.instance.objectNode().put("level", level).put("state", "Unknown").put("error", a.error());
                status = o;
            }
            List<FleetView.Row> rows = FleetView.of(List.of(status), Map.of());
            return rows.isEmpty() || rows.get(0).places().isEmpty() ? new FleetView.Place("-", "Unknown", "-", "-", "-", "-", a.error()) : rows.get(0).places().get(0);
        });
    }

    private Route stream(Sessions.Session s, String cookie, String level) {
        return LiveHtml.stream(system, gate, cookie, REREAD, e -> level.equals(e.level()), () -> place(s, level).thenApply(p -> Pages.progress(level, p)), "progress");
    }
}
