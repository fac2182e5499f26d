package zed.actors.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import zed.actors.ui.Pages;
import zed.actors.ui.PlanView;
import zed.actors.ui.RevisionChoice;
import zed.actors.ui.SnapshotChoice;
import zed.actors.ui.Sessions;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The Rollback page ({@code /ui/levels/{id}/rollback}): the level's kept revisions to pick from (or a snapshot by
 * name); a pick shows what the rollback changes ({@code rollback-plan}); Confirm posts the rollback with the plan's
 * hash, which the node refuses (409) if the plan changed since it was shown; then the level's state, live.
 */
final class RollbackPage extends AllDirectives {
    private final UiSessions gate;
    private final NodeApi api;

    RollbackPage(UiSessions gate, NodeApi api) {
        this.gate = gate;
        this.api = api;
    }

    /** {@code GET /ui/levels/{id}/rollback[?target=]} and its {@code POST}, for {@link ReviewPages}. */
    Route route(String level) {
        return concat(
                get(() -> parameterOptional("target", target -> gate.session(s -> completeWithFuture(show(s, level, picked(target), null))))),
                post(() -> gate.session(s -> gate.form(s, form -> completeWithFuture(confirm(s, level, form))))));
    }

    private static Optional<String> picked(Optional<String> target) {
        return target.map(String::strip).filter(t -> !t.isEmpty());
    }

    private CompletionStage<HttpResponse> show(Sessions.Session s, String level, Optional<String> target, String notice) {
        // the snapshots too, to pick by name: none offered when they cannot be read (the page still takes a name)
        CompletionStage<List<SnapshotChoice>> snapshots = api.call(s.grant(), "GET", "/v1/levels/" + level + "/snapshots", null)
                .thenApply(a -> a.ok() ? SnapshotChoice.of(a.body()) : List.<SnapshotChoice>of());
        return api.call(s.grant(), "GET", "/v1/levels/" + level + "/revisions", null).thenCombine(snapshots, (revs, snaps) -> Map.entry(revs, snaps)).thenCompose(both -> {
            NodeApi.Answer revs = both.getKey();
            List<SnapshotChoice> snaps = both.getValue();
            if (!revs.ok()) return java.util.concurrent.CompletableFuture.completedFuture(PlanPage.refusal(revs));
            List<RevisionChoice> choices = RevisionChoice.of(revs.body());
            long desired = revs.body().path("desiredRevision").asLong();
            if (target.isEmpty()) return java.util.concurrent.CompletableFuture.completedFuture(
                    UiAnswers.page(StatusCodes.OK, Pages.rollback(level, s.grant(), s.csrf(), desired, choices, snaps, null, null, notice)));
            return api.call(s.grant(), "GET", "/v1/levels/" + level + "/rollback-plan?target=" + URLEncoder.encode(target.get(), StandardCharsets.UTF_8), null)
                    .thenApply(p -> p.ok() ? UiAnswers.page(StatusCodes.OK, Pages.rollback(level, s.grant(), s.csrf(), desired, choices, snaps, target.get(), PlanView.of(p.body()), notice))
                            : UiAnswers.page(StatusCodes.get(p.status()), Pages.rollback(level, s.grant(), s.csrf(), desired, choices, snaps, target.get(), null,
                            "No rollback to " + target.get() + ": " + p.error())));
        });
    }

    /** Confirm: the rollback with the plan's hash, as the session; refused by the node when the plan changed. */
    private CompletionStage<HttpResponse> confirm(Sessions.Session s, String level, Map<String, String> form) {
        String target = form.getOrDefault("target", "");
        String planHash = form.getOrDefault("planHash", "");
        String body = JsonNodeFactory.instance.objectNode().put("target", target).put("planHash", planHash).toString();
        return api.call(s.grant(), "POST", "/v1/levels/" + level + "/rollback", body).thenCompose(a -> {
            if (a.ok()) {
                String said = "Rollback " + a.body().path("rollback").asText() + " of " + level + " to " + target + " started (from revision "
                        + a.body().path("from").asLong() + ").";
                return java.util.concurrent.CompletableFuture.completedFuture(UiAnswers.page(StatusCodes.OK, Pages.applied(level, s.grant(), s.csrf(), said)));
            }
            String why = "Not rolled back (HTTP " + a.status() + "): " + a.error();
            // the page again, with the plan as it is now when the target still resolves
            return show(s, level, target.isEmpty() ? Optional.empty() : Optional.of(target), why)
                    .thenApply(r -> r.withStatus(StatusCodes.get(a.status())));
        });
    }
}
