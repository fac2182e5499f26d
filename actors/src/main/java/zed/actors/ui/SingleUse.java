package zed.actors.ui;

import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Secrets good for one use within a short time, each standing for a value: login links (their grant), passkey
 * registrations' challenges (whose session, which name). Only callers that hold a token or a session may ask for
 * them: the logins anyone may start use {@link Challenges}, which keep nothing until used. A key is consumed by its first use, whether that use
 * succeeds or not, and is remembered for {@code remembered} after it expired, so that a reused or late one is refused
 * with its reason. At most {@code max} are remembered: when that many are, none is issued until the oldest is
 * forgotten, so nobody can fill the node's memory by asking. Only each key's hash is kept. Pure but for the random
 * keys: the time is the caller's.
 */
public final class SingleUse<T> {
    public sealed interface Issued<T> permits Key, Full {
    }

    /** @param key shown once, to whoever asked */
    public record Key<T>(String key, Instant expires) implements Issued<T> {
    }

    public record Full<T>(Duration retryAfter) implements Issued<T> {
    }

    public sealed interface Taken<T> permits Granted, Refused {
    }

    public record Granted<T>(T value) implements Taken<T> {
    }

    public record Refused<T>(Why why) implements Taken<T> {
    }

    public enum Why { USED, EXPIRED, UNKNOWN }

    private record Entry<T>(T value, Instant expires, boolean used) {
    }

    private final Duration valid;
    private final Duration remembered;
    private final int max;
    private final Supplier<String> fresh;
    /** In the order issued, which is the order they expire in: the first are the ones to forget. */
    private final Map<String, Entry<T>> byHash = new LinkedHashMap<>();

    /** @param fresh makes a new key (random; its form is the caller's: a URL's, or one a shell's echo prints) */
    public SingleUse(Duration valid, Duration remembered, int max, Supplier<String> fresh) {
        this.valid = valid;
        this.remembered = remembered;
        this.max = max;
        this.fresh = fresh;
    }

    public Duration valid() {
        return valid;
    }

    public synchronized Issued<T> issue(T value, Instant now) {
        forget(now);
        if (byHash.size() >= max) {
            Instant oldestGone = byHash.values().iterator().next().expires().plus(remembered);
            return new Full<>(Duration.between(now, oldestGone).plusSeconds(1));
        }
        String key = fresh.get();
        Instant expires = now.plus(valid);
        byHash.put(BrowserKeys.hash(key), new Entry<>(value, expires, false));
        return new Key<>(key, expires);
    }

    /** The key's value when it is unused and unexpired; it is used from now on, even when refused as expired. */
    public synchronized Taken<T> take(String key, Instant now) {
        forget(now);
        if (key == null) return new Refused<>(Why.UNKNOWN);
        String h = BrowserKeys.hash(key);
        Entry<T> e = byHash.get(h);
        if (e == null) return new Refused<>(Why.UNKNOWN);
        if (e.used()) return new Refused<>(Why.USED);
        byHash.put(h, new Entry<>(e.value(), e.expires(), true));
        if (!now.isBefore(e.expires())) return new Refused<>(Why.EXPIRED);
        return new Granted<>(e.value());
    }

    private void forget(Instant now) {
        for (Iterator<Entry<T>> i = byHash.values().iterator(); i.hasNext(); ) {
            if (i.next().expires().plus(remembered).isAfter(now)) break;
            i.remove();
        }
    }
}
