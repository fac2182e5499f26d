package zed.actors.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import zed.actors.level.LevelEntity;

/**
 * A journaled level event as published on the node's Pekko EventStream by {@link EventPublisher}. Subscribe with
 * {@code system.eventStream().tell(new EventStream.Subscribe<>(PublishedEvent.class, ref))}.
 *
 * @param id    the journal's global ordering (the same id as on {@code /v1/events})
 * @param level the level id, e.g. {@code shop} or {@code infra/shop}
 * @param type  the event's type name, e.g. {@code SpecAccepted}
 * @param data  the event as on {@code /v1/events} (see {@link EventJson}); shared by all subscribers: do not mutate
 * @param event the journaled event itself
 */
public record PublishedEvent(long id, String level, String type, ObjectNode data, zed.actors.level.LevelEvent event) {
}
