package zed.actors.resource;

import org.apache.pekko.actor.typed.ActorRef;

import java.util.ArrayList;
import java.util.List;

/**
 * A process-keeping actor's stop (a service's, a job's): who asked for it and whether it is under way. While one is
 * asked, no new step starts, and a Run that comes waits (stashed) until it is done: a stop and the next run never
 * overlap. Everyone who asked hears {@link ServiceActor.Stopped} once.
 */
public final class StopReplies {
    private final List<ActorRef<ServiceActor.Stopped>> replies = new ArrayList<>();
    private boolean stopping;

    /** A stop was asked, and is waiting for the step in flight or under way. */
    public boolean asked() {
        return stopping || !replies.isEmpty();
    }

    public void add(ActorRef<ServiceActor.Stopped> replyTo) {
        replies.add(replyTo);
    }

    public boolean underway() {
        return stopping;
    }

    /** Marks the stop under way; false when it already was. */
    public boolean begin() {
        if (stopping) return false;
        stopping = true;
        return true;
    }

    /** The stop is done: everyone who asked hears it, and the next stop starts afresh. */
    public void done(String ref) {
        stopping = false;
        for (ActorRef<ServiceActor.Stopped> r : replies) r.tell(new ServiceActor.Stopped(ref));
        replies.clear();
    }
}
