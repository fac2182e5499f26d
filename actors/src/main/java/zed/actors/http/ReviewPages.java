package zed.actors.http;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The pages that show a change before it is made, under {@code /ui}: {@code levels/{id}/plan} ({@link PlanPage}),
 * {@code levels/{id}/rollback} ({@link RollbackPage}), and the level's state, live, once it is made
 * ({@link LevelProgress}). A level's id is its path, as on the API ({@link LevelPath}: a level whose id ends in an
 * action word is addressed with its slashes encoded); any other {@code levels/...} is left to the other pages.
 */
final class ReviewPages extends AllDirectives {
    private final PlanPage plan;
    private final RollbackPage rollback;
    private final LevelProgress progress;

    ReviewPages(ActorSystem<?> system, UiSessions gate, NodeApi api) {
        this.plan = new PlanPage(gate, api);
        this.rollback = new RollbackPage(gate, api);
        this.progress = new LevelProgress(system, gate, api);
    }

    Route route() {
        return concat(
                progress.route(),
                pathPrefix("levels", () -> path(PathMatchers.segments(), segments -> {
                    LevelPath p = LevelPath.of(segments);
                    if (p == null || p.action() == null) return reject();
                    return switch (p.action()) {
                        case "plan" -> plan.route(p.id());
                        case "rollback" -> rollback.route(p.id());
                        default -> reject();
                    };
                })));
    }
}
