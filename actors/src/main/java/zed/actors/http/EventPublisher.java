package zed.actors.http;

import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.RestartSettings;
import org.apache.pekko.stream.javadsl.RestartSource;
import org.apache.pekko.stream.javadsl.Sink;
import zed.actors.level.LevelEntity;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes every level event journaled from now on as a {@link PublishedEvent} on the node's Pekko EventStream, for
 * subscribers in the same JVM (telemetry, the dashboard). One per actor system (a Pekko extension): it runs the live
 * query {@code eventsByTag("zed")} once, however many subscribers there are.
 *
 * <p>It starts after the journal's newest event at start time, so a restarted node does not publish its history
 * again (read that from {@code /v1/events}); that event is found with one query of the journal's index. A failed
 * query is restarted with backoff from the last event published, so nothing is skipped or repeated. With a journal
 * shared by a cluster it publishes the events of every node's levels.
 */
public final class EventPublisher implements Extension {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private static final ExtensionId<EventPublisher> ID = new ExtensionId<>() {
        @Override
        public EventPublisher createExtension(ActorSystem<?> system) {
            return new EventPublisher(system);
        }
    };

    private final AtomicLong last = new AtomicLong();
    private final CompletableFuture<Done> live;

    private EventPublisher(ActorSystem<?> system) {
        JdbcReadJournal journal = PersistenceQuery.get(system).getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
        CompletableFuture<Done> started = live = new CompletableFuture<>();
        // the newest event, by one index lookup: reading the tag through to its end would cost the whole journal
        CompletableFuture.supplyAsync(() -> {
                    try {
                        return zed.actors.node.JournalDatabase.newestOrdering(system);
                    } catch (java.sql.SQLException e) {
                        throw new java.util.concurrent.CompletionException(e);
                    }
                }, r -> new Thread(r, "zed-event-publisher-start").start())
                .whenComplete((newest, failure) -> {
                    if (failure != null) {
                        system.log().warn("the event publisher could not find the journal's newest event ({}); it publishes the journal from its start", failure.toString());
                    } else {
                        last.set(newest);
                    }
                    try {
                        run(system, journal);
                        started.complete(Done.getInstance());
                    } catch (RuntimeException e) { // the system is shutting down
                        started.completeExceptionally(e);
                    }
                });
    }

    private void run(ActorSystem<?> system, JdbcReadJournal journal) {
        EventJson json = EventJson.of(system);
        RestartSource.onFailuresWithBackoff(RestartSettings.create(Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2),
                        () -> journal.eventsByTag(LevelEntity.TAG, Offset.sequence(last.get())).map(env -> {
                            last.set(EventJson.offset(env)); // a restarted query resumes strictly after this one
                            return env;
                        }))
                .runWith(Sink.foreach(env -> {
                    if (env.event() instanceof zed.actors.level.LevelEvent e) {
                        long id = EventJson.offset(env);
                        String level = EventJson.level(env.persistenceId());
                        system.eventStream().tell(new EventStream.Publish<>(new PublishedEvent(id, level, EventJson.type(e), json.toJson(id, level, e), e)));
                    }
                }), system);
    }

    /**
     * Starts the node's publisher unless it runs already, and returns once its live query is in place (so every
     * event persisted after this returns is published). Idempotent; {@link EventsRoute}'s constructor calls it.
     */
    public static EventPublisher start(ActorSystem<?> system) {
        EventPublisher p = ID.apply(system);
        try {
            p.live.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the event publisher started", e);
        } catch (Exception e) {
            throw new IllegalStateException("the event publisher did not start within " + START_TIMEOUT.toSeconds() + "s: " + e, e);
        }
        return p;
    }

    /** Completes once the live query is in place. */
    public CompletionStage<Done> live() {
        return live.copy();
    }

    /** The id of the newest event the live query has delivered (before any: the journal's newest at start; 0: none). */
    public long lastEventId() {
        return last.get();
    }
}
