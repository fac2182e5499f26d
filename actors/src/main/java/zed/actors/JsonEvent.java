package zed.actors;

/** Marker for what Pekko serialises with Jackson: persisted events, and messages that may cross nodes. */
public interface JsonEvent {
}
