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
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A live page's stream of HTML fragments (server-sent events that htmx's sse extension swaps in): rendered again
 * whenever a wanted event is published and every {@code reread} (a service's health journals nothing), sent only when
 * it changed; it ends when the session does (logged out, or expired).
 */
final class LiveHtml extends AllDirectives {
    private LiveHtml() {
    }

    static Route stream(ActorSystem<?> system, UiSessions gate, String cookie, Duration reread, Predicate<PublishedEvent> wanted,
                        Supplier<CompletionStage<String>> render, String event) {
        Source<ServerSentEvent, NotUsed> fragments = Source.tick(Duration.ZERO, reread, (Object) "tick").mapMaterializedValue(c -> NotUsed.getInstance())
                .merge(PublishedEvents.source(system).filter(wanted::test).map(e -> (Object) e))
                .conflate((a, b) -> a)
                .takeWhile(x -> gate.live(cookie)) // a logout ends an open page's stream too
                .mapAsync(1, x -> render.get())
                .statefulMap(() -> "", (last, html) -> Pair.create(html, html.equals(last) ? Optional.<String>empty() : Optional.of(html)), last -> Optional.empty())
                .filter(Optional::isPresent)
                .map(html -> ServerSentEvent.create(html.get(), event))
                .keepAlive(Duration.ofSeconds(10), ServerSentEvent::heartbeat);
        LiveHtml d = new LiveHtml();
        return d.respondWithHeader(CacheControl.create(CacheDirectives.NO_CACHE), () -> d.completeOK(fragments, EventStreamMarshalling.toEventStream()));
    }
}
