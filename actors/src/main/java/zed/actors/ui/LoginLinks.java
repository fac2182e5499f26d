package zed.actors.ui;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * One-time login links ({@code zed ui login}): each valid {@link #VALID}, good for one session ({@link SingleUse}),
 * and at most {@link #PER_MINUTE} issued in any minute on this node. A used or expired link is remembered for
 * {@link #REMEMBERED} after its expiry, so that opening it again says which it is. Pure: the time is the caller's.
 */
public final class LoginLinks {
    public static final Duration VALID = Duration.ofSeconds(120);
    public static final int PER_MINUTE = 5;
    static final Duration REMEMBERED = Duration.ofMinutes(10);

    /** What asking for a link gave. */
    public sealed interface Issued permits Link, Limited {
    }

    /** @param secret the part of the link that logs in; shown once, to whoever asked */
    public record Link(String secret, Instant expires) implements Issued {
    }

    /** Too many links this minute: the next may be asked for after {@code retryAfter}. */
    public record Limited(Duration retryAfter) implements Issued {
    }

    /** What a link opens: a session of {@code grant}, standing on the token that asked for the link. */
    public record For(Grant grant, Authority.Token token) {
    }

    /** The rate keeps far fewer than this remembered (5 a minute for 12 minutes): the cap is never what refuses. */
    private final SingleUse<For> links = new SingleUse<>(VALID, REMEMBERED, 1000, BrowserKeys::fresh);
    private final Deque<Instant> issued = new ArrayDeque<>();

    public synchronized Issued issue(For grant, Instant now) {
        while (!issued.isEmpty() && !issued.peekFirst().plus(Duration.ofMinutes(1)).isAfter(now)) issued.removeFirst();
        if (issued.size() >= PER_MINUTE) return new Limited(Duration.between(now, issued.peekFirst().plus(Duration.ofMinutes(1))));
        if (!(links.issue(grant, now) instanceof SingleUse.Key<For> k)) throw new IllegalStateException("more links remembered than the rate allows");
        issued.addLast(now);
        return new Link(k.key(), k.expires());
    }

    /** Opening a link: its grant, once. */
    public SingleUse.Taken<For> open(String secret, Instant now) {
        return links.take(secret, now);
    }
}
