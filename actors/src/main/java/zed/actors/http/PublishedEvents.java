package zed.actors.http;

import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Source;

import java.util.Optional;

/** The node's published level events as a stream, subscribed while it runs (the dashboard's live pages). */
final class PublishedEvents {
    private PublishedEvents() {
    }

    /** Newest first kept when a consumer falls 64 behind: a page re-reads state, it does not replay events. */
    static Source<PublishedEvent, NotUsed> source(ActorSystem<?> system) {
        org.apache.pekko.event.EventStream bus = org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(system).getEventStream();
        return Source.<Object>actorRef(m -> Optional.empty(), m -> Optional.empty(), 64, OverflowStrategy.dropHead())
                .watchTermination((ref, done) -> {
                    bus.subscribe(ref, PublishedEvent.class);
                    done.whenComplete((d, failure) -> bus.unsubscribe(ref));
                    return NotUsed.getInstance();
                })
                .filter(m -> m instanceof PublishedEvent)
                .map(m -> (PublishedEvent) m);
    }
}
