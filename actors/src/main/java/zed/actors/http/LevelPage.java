package zed.actors.http;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.marshalling.sse.EventStreamMarshalling;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.CacheControl;
import org.apache.pekko.http.javadsl.model.headers.CacheDirectives;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Source;
import zed.actors.ui.EventRow;
import zed.actors.ui.Grant;
import zed.actors.ui.LevelView;
import zed.actors.ui.Pages;
import zed.actors.ui.Sessions;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * The Level page ({@code /ui/levels/{id}}, the id with its slashes: {@code /ui/levels/infra/shop}): the level on each
 * host, its resources, its snapshots, and its last events; live through {@code /ui/level-stream/{id}}. It reads only
 * through the node's API with the session's scope ({@link NodeApi}), and the events from the journal as
 * {@code /v1/events} does ({@link JournalEvents}). A path that ends in an API action word
 * ({@code /ui/levels/shop/plan}) is not this page's: it is left to the pages that serve it.
 */
final class LevelPage extends AllDirectives {
    /** How often an open Level page's level is read again, events or not (a service's health journals nothing). */
    private static final Duration REREAD = Duration.ofSeconds(2);
    /** How many of the level's events the page opens with. */
    static final int EVENTS = 20;

    private final ActorSystem<?> system;
    private final UiSessions gate;
    private final NodeApi api;
    private final JournalEvents journal;

    LevelPage(ActorSystem<?> system, UiSessions gate, NodeApi api, JournalEvents journal) {
        this.system = system;
        this.gate = gate;
        this.api = api;
        this.journal = journal;
    }

    /** The routes under {@code /ui}. */
    Route route() {
        return concat(
                pathPrefix("levels", () -> level(id -> get(() -> gate.session(s -> page(s, id))))),
                pathPrefix("level-stream", () -> level(id -> get(() -> parameterOptional("after", after ->
                        gate.session((s, cookie) -> stream(s, cookie, id, after.filter(a -> a.matches("[0-9]{1,18}")).map(Long::parseLong).orElse(0L))))))));
    }

    /** The level id in the rest of the path; a 404 page for no valid id, and no match for a path with an action word. */
    private Route level(Function<String, Route> inner) {
        return extractUnmatchedPath(rest -> {
            List<String> segments = Arrays.stream(rest.replaceFirst("^/", "").split("/", -1))
                    .map(part -> URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8)).toList();
            LevelPath p = LevelPath.of(segments);
            if (p != null && p.action() != null) return reject();
            if (p == null) return gate.session(s -> complete(UiAnswers.page(StatusCodes.NOT_FOUND, Pages.problem("No such level", "That is not a level id: names of letters, digits, - and _, joined by /.", s.csrf()))));
            return inner.apply(p.id());
        });
    }

    private Route page(Sessions.Session s, String id) {
        return completeWithFuture(status(s.grant(), id).thenCompose(status -> {
            if (!status.ok()) {
                var code = status.status() == 404 ? StatusCodes.NOT_FOUND : StatusCodes.get(status.status());
                String why = status.status() == 404 ? "The node knows no level " + id + ": " + status.error() : "The node answered: " + status.error();
                return CompletableFuture.completedFuture(UiAnswers.page(code, Pages.problem("No level " + id, why, s.csrf())));
            }
            return snapshots(s.grant(), id).thenCombine(journal.last(id, e -> true, EVENTS), (snaps, events) -> {
                List<EventRow> newestFirst = newestFirst(events);
                long after = events.isEmpty() ? 0 : events.get(events.size() - 1).id();
                return UiAnswers.page(StatusCodes.OK, Pages.level(view(id, status, snaps), newestFirst, after, s.csrf()));
            });
        }));
    }

    /**
     * The page's parts: the level and its resources as HTML again whenever it journals an event and every
     * {@link #REREAD}, sent only when changed (event {@code level}); its snapshots read again on its events only (they
     * change with a revision, a rollback, a prune: all journaled); and each event journaled after {@code after}, one
     * list item each (event {@code event}, which the page puts on top). Ends when the session does.
     */
    private Route stream(Sessions.Session s, String cookie, String id, long after) {
        AtomicReference<NodeApi.Answer> snaps = new AtomicReference<>();
        Source<ServerSentEvent, NotUsed> parts = Source.tick(Duration.ZERO, REREAD, (Object) "tick").mapMaterializedValue(c -> NotUsed.getInstance())
                .merge(PublishedEvents.source(system).filter(e -> e.level().equals(id)).map(e -> (Object) e))
                .conflate((a, b) -> a instanceof PublishedEvent ? a : b)
                .mapAsync(1, x -> {
                    CompletionStage<NodeApi.Answer> snapshots = x instanceof PublishedEvent || snaps.get() == null
                            ? snapshots(s.grant(), id).thenApply(a -> { snaps.set(a); return a; })
                            : CompletableFuture.completedFuture(snaps.get());
                    return status(s.grant(), id).thenCombine(snapshots, (status, sn) -> status.ok() ? Pages.levelParts(view(id, status, sn))
                            : "<p class=\"problem\">" + UiAnswers.escape("The node answered: " + status.error()) + "</p>");
                })
                .statefulMap(() -> "", (last, html) -> Pair.create(html, html.equals(last) ? Optional.<String>empty() : Optional.of(html)), last -> Optional.empty())
                .filter(Optional::isPresent)
                .map(html -> ServerSentEvent.create(html.get(), "level"));
        Source<ServerSentEvent, NotUsed> events = journal.after(after).filter(e -> e.level().equals(id))
                .map(e -> ServerSentEvent.create(Pages.eventRows(List.of(e)), "event"));
        Source<ServerSentEvent, NotUsed> all = parts.merge(events)
                .takeWhile(x -> gate.live(cookie)) // a logout ends an open page's stream too
                .keepAlive(Duration.ofSeconds(10), ServerSentEvent::heartbeat);
        return respondWithHeader(CacheControl.create(CacheDirectives.NO_CACHE), () -> completeOK(all, EventStreamMarshalling.toEventStream()));
    }

    static List<EventRow> newestFirst(List<EventRow> oldestFirst) {
        List<EventRow> out = new java.util.ArrayList<>(oldestFirst);
        java.util.Collections.reverse(out);
        return out;
    }

    private CompletionStage<NodeApi.Answer> status(Grant grant, String id) {
        return api.call(grant, "GET", LevelPath.of(id), null);
    }

    private CompletionStage<NodeApi.Answer> snapshots(Grant grant, String id) {
        return api.call(grant, "GET", LevelPath.of(id) + "/snapshots", null);
    }

    private static LevelView view(String id, NodeApi.Answer status, NodeApi.Answer snapshots) {
        return LevelView.of(id, status.body(), snapshots.ok() ? snapshots.body() : null, snapshots.ok() ? null : snapshots.error());
    }
}
