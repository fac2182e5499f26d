package zed.actors.http;

import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.marshalling.sse.EventStreamMarshalling;
import org.apache.pekko.http.javadsl.model.headers.CacheControl;
import org.apache.pekko.http.javadsl.model.headers.CacheDirectives;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Source;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * A live page's stream: its part rendered again whenever an event is published and every {@code every} (a health
 * change or a GPU's free VRAM journals nothing), sent as the server-sent event {@code event} only when it changed,
 * which htmx's sse extension swaps in. It ends when its session does (logged out, or expired).
 */
final class LiveFragments extends AllDirectives {
    private LiveFragments() {
    }

    static Route stream(ActorSystem<?> system, UiSessions gate, String cookie, Duration every, String event, Supplier<CompletionStage<String>> render) {
        Source<ServerSentEvent, NotUsed> fragments = Source.tick(Duration.ZERO, every, (Object) "tick").mapMaterializedValue(c -> NotUsed.getInstance())
                .merge(PublishedEvents.source(system).map(e -> (Object) e))
                .conflate((a, b) -> a)
                .takeWhile(x -> gate.live(cookie)) // a logout ends an open page's stream too
                .mapAsync(1, x -> render.get())
                .statefulMap(() -> "", (last, html) -> Pair.create(html, html.equals(last) ? Optional.<String>empty() : Optional.of(html)), last -> Optional.empty())
                .filter(Optional::isPresent)
                .map(html -> ServerSentEvent.create(html.get(), event))
                .keepAlive(Duration.ofSeconds(10), ServerSentEvent::heartbeat);
        LiveFragments d = new LiveFragments();
        return d.respondWithHeader(CacheControl.create(CacheDirectives.NO_CACHE), () -> d.completeOK(fragments, EventStreamMarshalling.toEventStream()));
    }
}
