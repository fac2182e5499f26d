package zed.actors.http;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.marshalling.sse.EventStreamMarshalling;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.CacheControl;
import org.apache.pekko.http.javadsl.model.headers.CacheDirectives;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.javadsl.Source;
import zed.actors.ui.EventFilter;
import zed.actors.ui.EventRow;
import zed.actors.ui.Pages;
import zed.actors.ui.Sessions;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The Events page ({@code /ui/events?level=shop&kind=DriftCorrected}): the levels' events, newest on top, filtered on
 * the server by the query (so a filtered view is a link), read from the journal as {@code /v1/events} reads them
 * ({@link JournalEvents}); live through {@code /ui/events/stream} with the same query and the last event shown.
 */
final class EventsPage extends AllDirectives {
    /** How many events the page opens with. */
    static final int SHOWN = 100;

    private final UiSessions gate;
    private final JournalEvents journal;
    private final Supplier<CompletionStage<List<JsonNode>>> statuses;

    /** @param statuses every level's status, for the levels the filter offers */
    EventsPage(UiSessions gate, JournalEvents journal, Supplier<CompletionStage<List<JsonNode>>> statuses) {
        this.gate = gate;
        this.journal = journal;
        this.statuses = statuses;
    }

    /** The routes under {@code /ui}. */
    Route route() {
        return pathPrefix("events", () -> concat(
                pathEndOrSingleSlash(() -> get(() -> gate.session(s -> filter(s, (filter, after) -> page(s, filter))))),
                path("stream", () -> get(() -> gate.session((s, cookie) -> filter(s, (filter, after) -> stream(cookie, filter, after)))))));
    }

    private Route filter(Sessions.Session s, java.util.function.BiFunction<EventFilter, Long, Route> inner) {
        return parameterOptional("level", level -> parameterOptional("kind", kind -> parameterOptional("after", after -> {
            EventFilter.Parsed parsed = EventFilter.parse(level.orElse(null), kind.orElse(null));
            if (parsed instanceof EventFilter.Refused r) return complete(UiAnswers.page(StatusCodes.BAD_REQUEST, Pages.problem("Not a filter", r.why(), s.csrf())));
            long from = after.filter(a -> a.matches("[0-9]{1,18}")).map(Long::parseLong).orElse(0L);
            return inner.apply(((EventFilter.Ok) parsed).filter(), from);
        })));
    }

    private Route page(Sessions.Session s, EventFilter filter) {
        CompletionStage<List<String>> levels = statuses.get().thenApply(all -> all.stream().filter(n -> n.hasNonNull("level"))
                .map(n -> n.get("level").asText()).sorted().toList());
        return completeWithFuture(journal.last(filter.level(), filter::matches, SHOWN).thenCombine(levels, (events, known) -> {
            long after = events.isEmpty() ? 0 : events.get(events.size() - 1).id();
            return UiAnswers.page(StatusCodes.OK, Pages.events(filter, known, LevelPage.newestFirst(events), after, s.csrf()));
        }));
    }

    /** Each event journaled after {@code after} that the filter keeps, one list item each (event {@code event}). */
    private Route stream(String cookie, EventFilter filter, long after) {
        Source<ServerSentEvent, NotUsed> events = journal.after(after).filter(filter::matches)
                .map(e -> ServerSentEvent.create(Pages.eventRows(List.of(e)), "event"))
                .takeWhile(x -> gate.live(cookie))
                .keepAlive(Duration.ofSeconds(10), ServerSentEvent::heartbeat);
        return respondWithHeader(CacheControl.create(CacheDirectives.NO_CACHE), () -> completeOK(events, EventStreamMarshalling.toEventStream()));
    }
}
