package zed.actors.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.NoOffset;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import zed.actors.host.HostEntity;
import zed.actors.level.LevelEntity;
import zed.actors.ui.EventRow;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;

/**
 * The levels' events read back from the journal for the dashboard, as {@code /v1/events} reads them
 * ({@link EventsRoute}: the tag {@code zed}, the journal's global ordering as each event's id, {@link EventJson}'s
 * words): the last few, then live after the last one shown, so a page misses none and shows none twice. Hosts' events
 * (GPUs) are not a level's and are left out.
 */
final class JournalEvents {
    private final ActorSystem<?> system;
    private final JdbcReadJournal journal;
    private final EventJson json;

    JournalEvents(ActorSystem<?> system) {
        this.system = system;
        this.journal = PersistenceQuery.get(system).getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
        this.json = EventJson.of(system);
    }

    /** The newest {@code n} events of the level {@code level}, oldest first; of every level for null. */
    CompletionStage<List<EventRow>> last(String level, Predicate<EventRow> wanted, int n) {
        Source<EventEnvelope, NotUsed> all = level != null
                ? journal.currentEventsByPersistenceId("level|" + level, 0, Long.MAX_VALUE)
                : journal.currentEventsByTag(LevelEntity.TAG, NoOffset.getInstance());
        return levels(all).filter(wanted::test).runWith(Sink.takeLast(n), system);
    }

    /** Every level event after the event {@code id}, as it is journaled. */
    Source<EventRow, NotUsed> after(long id) {
        return levels(journal.eventsByTag(LevelEntity.TAG, Offset.sequence(id)));
    }

    private Source<EventRow, NotUsed> levels(Source<EventEnvelope, NotUsed> envelopes) {
        return envelopes.filter(env -> HostEntity.host(env.persistenceId()).isEmpty()).map(env -> {
            ObjectNode data = json.toJson(env);
            return EventRow.of(data, env.timestamp() > 0 ? Instant.ofEpochMilli(env.timestamp()) : null);
        });
    }
}
