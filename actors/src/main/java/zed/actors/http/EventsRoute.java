package zed.actors.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.marshalling.sse.EventStreamMarshalling;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.CacheControl;
import org.apache.pekko.http.javadsl.model.headers.CacheDirectives;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.NoOffset;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Source;
import zed.actors.host.HostEntity;
import zed.actors.level.LevelEntity;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * {@code GET /v1/events}: every level event as server-sent events, read live from the journal
 * ({@code eventsByTag("zed")}), so a client that reconnects with {@code Last-Event-ID} (after a dropped connection
 * or a node restart) misses nothing and sees nothing twice.
 *
 * <ul>
 *   <li>Each event: {@code id:} the journal's global ordering, {@code event:} the type name ({@code SpecAccepted}),
 *       {@code data:} one line of JSON as {@link EventJson} writes it.</li>
 *   <li>{@code Last-Event-ID: n} resumes strictly after event n; without it the stream starts at the journal's
 *       first event. Anything but a non-negative integer is a 400.</li>
 *   <li>A heartbeat also comes as soon as a wanted level journals an event ({@link LevelEntity.Journaled}, on this
 *       node): the journal query polls every second, and a client that waits for a level's state (zed up) looks at
 *       the status when a heartbeat comes, not a second later.</li>
 *   <li>{@code ?level=shop} only that level's events (exact id); {@code ?level=shop&children=true} also those of the
 *       levels beneath it ({@code shop/...}). Hosts' events ({@code GpuFound}, {@code GpuLost}, {@code GpuDriverChanged},
 *       with {@code "host"} and no level) are left out then; {@code ?host=gpu1} gives only that host's.</li>
 *   <li>An idle stream gets a heartbeat every {@code zed.events.keep-alive} (config, default 10s): pekko-http's
 *       {@link ServerSentEvent#heartbeat()}, on the wire a {@code data:} line with nothing after it and a blank
 *       line, an event with no data that EventSource clients drop.</li>
 * </ul>
 *
 * Constructing it starts the node's {@link EventPublisher} (the same events on the Pekko EventStream).
 */
public final class EventsRoute extends AllDirectives {
    /** The config path of the heartbeat interval. */
    public static final String KEEP_ALIVE = "zed.events.keep-alive";
    public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(10);
    private static final String LEVEL_ID = "[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*";

    private final ActorSystem<?> system;
    private final JdbcReadJournal journal;
    private final EventJson json;
    private final Duration keepAlive;

    /** With the heartbeat interval from the system's config ({@value #KEEP_ALIVE}, default 10s). */
    public EventsRoute(ActorSystem<?> system) {
        this(system, system.settings().config().hasPath(KEEP_ALIVE) ? system.settings().config().getDuration(KEEP_ALIVE) : DEFAULT_KEEP_ALIVE);
    }

    public EventsRoute(ActorSystem<?> system, Duration keepAlive) {
        if (keepAlive.isNegative() || keepAlive.isZero()) throw new IllegalArgumentException(KEEP_ALIVE + " must be positive: " + keepAlive);
        this.system = system;
        this.journal = PersistenceQuery.get(system).getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
        this.json = EventJson.of(system);
        this.keepAlive = keepAlive;
        EventPublisher.start(system);
    }

    public Duration keepAlive() {
        return keepAlive;
    }

    /** The route for {@code GET /v1/events}; mount it on that path (it matches no path itself). */
    public Route route() {
        return optionalHeaderValueByName("Last-Event-ID", lastEventId ->
                parameterOptional("level", level ->
                        parameterOptional("children", children ->
                                parameterOptional("host", host -> stream(lastEventId, level, children, host)))));
    }

    private Route stream(Optional<String> lastEventId, Optional<String> level, Optional<String> children, Optional<String> host) {
        Offset from = NoOffset.getInstance();
        if (lastEventId.isPresent()) {
            String v = lastEventId.get().trim();
            if (!v.matches("[0-9]{1,18}")) {
                return complete(error("Last-Event-ID must be the id of an event from this stream, a non-negative integer: got \"" + lastEventId.get() + "\""));
            }
            from = Offset.sequence(Long.parseLong(v));
        }
        if (level.isPresent() && !level.get().matches(LEVEL_ID)) return complete(error("?level= must be a level id such as shop or infra/shop: got \"" + level.get() + "\""));
        if (children.isPresent() && !children.get().matches("true|false")) return complete(error("?children= must be true or false: got \"" + children.get() + "\""));
        if (children.isPresent() && level.isEmpty()) return complete(error("?children= needs ?level="));
        if (host.isPresent() && !host.get().matches(zed.actors.cluster.ClusterConfig.HOST_NAME)) return complete(error("?host= must be a host name such as gpu1: got \"" + host.get() + "\""));
        if (host.isPresent() && level.isPresent()) return complete(error("?host= and ?level= name different events (a host's GPUs, a level's journal): give one"));
        Predicate<String> wanted = level.isEmpty() ? id -> host.isEmpty()
                : children.orElse("false").equals("true") ? id -> id.equals(level.get()) || id.startsWith(level.get() + "/")
                : id -> id.equals(level.get());
        // a host's events belong to no level: ?level= leaves them out, ?host= keeps only that host's
        Predicate<String> fromJournal = pid -> HostEntity.host(pid).map(h -> level.isEmpty() && host.map(h::equals).orElse(true))
                .orElseGet(() -> wanted.test(EventJson.level(pid)));

        Source<ServerSentEvent, NotUsed> events = journal.eventsByTag(LevelEntity.TAG, from)
                .filter(env -> fromJournal.test(env.persistenceId()))
                .map(env -> {
                    ObjectNode data = json.toJson(env);
                    return ServerSentEvent.create(data.toString(), data.get("type").asText(), data.get("id").asText());
                })
                .merge(journaled(wanted))
                .keepAlive(keepAlive, ServerSentEvent::heartbeat);
        return respondWithHeader(CacheControl.create(CacheDirectives.NO_CACHE), () ->
                completeOK(events, EventStreamMarshalling.toEventStream()));
    }

    /** A heartbeat each time a wanted level of this node journals an event; at most one waits while the client is slow. */
    private Source<ServerSentEvent, NotUsed> journaled(Predicate<String> wanted) {
        org.apache.pekko.event.EventStream bus = org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(system).getEventStream();
        return Source.<Object>actorRef(m -> Optional.empty(), m -> Optional.empty(), 1, OverflowStrategy.dropHead())
                .watchTermination((ref, done) -> {
                    bus.subscribe(ref, LevelEntity.Journaled.class);
                    done.whenComplete((d, failure) -> bus.unsubscribe(ref));
                    return NotUsed.getInstance();
                })
                .filter(m -> m instanceof LevelEntity.Journaled j && wanted.test(j.level()))
                .map(m -> ServerSentEvent.heartbeat());
    }

    private static HttpResponse error(String message) {
        return HttpResponse.create().withStatus(StatusCodes.BAD_REQUEST)
                .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, HttpApi.errors(message)));
    }
}
