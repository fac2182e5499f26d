package zed.actors.ui;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * One-time login links ({@code zed ui login}): each valid {@link #VALID}, good for one session, and at most
 * {@link #PER_MINUTE} issued in any minute on this node. Only each link's hash is kept; a used or expired link is
 * remembered for {@link #REMEMBERED} after its expiry, so that opening it again says which it is. Pure: the time is
 * the caller's.
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

    /** What opening a link gave. */
    public sealed interface Opened permits Granted, Refused {
    }

    public record Granted(Grant grant) implements Opened {
    }

    public record Refused(Why why) implements Opened {
        public enum Why { USED, EXPIRED, UNKNOWN }
    }

    private record Pending(Grant grant, Instant expires, boolean used) {
    }

    private final Map<String, Pending> byHash = new HashMap<>();
    private final Deque<Instant> issued = new ArrayDeque<>();

    public synchronized Issued issue(Grant grant, Instant now) {
        while (!issued.isEmpty() && !issued.peekFirst().plus(Duration.ofMinutes(1)).isAfter(now)) issued.removeFirst();
        if (issued.size() >= PER_MINUTE) return new Limited(Duration.between(now, issued.peekFirst().plus(Duration.ofMinutes(1))));
        forgetOld(now);
        issued.addLast(now);
        String secret = Secrets.fresh();
        Instant expires = now.plus(VALID);
        byHash.put(Secrets.hash(secret), new Pending(grant, expires, false));
        return new Link(secret, expires);
    }

    public synchronized Opened open(String secret, Instant now) {
        if (secret == null) return new Refused(Refused.Why.UNKNOWN);
        String h = Secrets.hash(secret);
        Pending p = byHash.get(h);
        if (p == null) return new Refused(Refused.Why.UNKNOWN);
        if (p.used()) return new Refused(Refused.Why.USED);
        if (!now.isBefore(p.expires())) return new Refused(Refused.Why.EXPIRED);
        byHash.put(h, new Pending(p.grant(), p.expires(), true));
        return new Granted(p.grant());
    }

    private void forgetOld(Instant now) {
        byHash.values().removeIf(p -> p.expires().plus(REMEMBERED).isBefore(now));
    }
}
