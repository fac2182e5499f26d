package zed.actors.http;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import zed.actors.ui.Grant;
import zed.actors.ui.HostsView;
import zed.actors.ui.Pages;
import zed.actors.ui.Sessions;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

/**
 * The Hosts and GPUs page ({@code /ui/hosts}): every host with its pool and GPUs, and the jobs placed there with their
 * metrics as charts, live through {@code /ui/hosts/events}. It changes nothing; it reads {@code GET /v1/hosts} through
 * the node's API with the session's scope, and the levels' statuses as the Fleet page does.
 */
final class HostsPage extends AllDirectives {
    /** How often an open page is read again: a GPU's free VRAM and a job's new checkpoint history journal nothing of their own. */
    private static final Duration REREAD = Duration.ofSeconds(2);

    private final ActorSystem<?> system;
    private final UiSessions gate;
    private final NodeApi api;
    private final Supplier<CompletionStage<List<JsonNode>>> statuses;

    /** @param statuses every level's status as {@code GET /v1/levels/{id}} answers it */
    HostsPage(ActorSystem<?> system, UiSessions gate, NodeApi api, Supplier<CompletionStage<List<JsonNode>>> statuses) {
        this.system = system;
        this.gate = gate;
        this.api = api;
        this.statuses = statuses;
    }

    /** The routes under {@code /ui}. */
    Route route() {
        return concat(
                path("hosts", () -> get(() -> gate.session(this::hosts))),
                path(segment("hosts").slash("events"), () -> get(() -> gate.session(
                        (s, cookie) -> LiveHtml.stream(system, gate, cookie, REREAD, e -> true,
                                () -> cards(s.grant()).thenApply(c -> Pages.hostCards(c.hosts(), c.error())), "hosts")))));
    }

    private Route hosts(Sessions.Session s) {
        return completeWithFuture(cards(s.grant()).thenApply(c -> UiAnswers.page(StatusCodes.OK, Pages.hosts(c.hosts(), c.error(), s.csrf()))));
    }

    /** The cards, or why there are none: a refused or failed read is said in words, never shown as an empty cluster. */
    private record Cards(List<HostsView.Host> hosts, String error) {
    }

    private CompletionStage<Cards> cards(Grant grant) {
        return api.call(grant, "GET", "/v1/hosts", null).thenCombine(statuses.get(), (hosts, all) -> hosts.ok()
                ? new Cards(HostsView.of(hosts.body(), all), null) : new Cards(List.of(), hosts.error()))
                .exceptionally(e -> new Cards(List.of(), String.valueOf(e.getCause() != null ? e.getCause().getMessage() : e.getMessage())));
    }
}
