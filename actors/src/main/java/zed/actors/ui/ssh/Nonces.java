package zed.actors.ui.ssh;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The nonces a login signs: 32 random bytes in hex, each valid {@link #VALID} and good for one attempt, consumed by
 * the first whether it succeeds or not. Each is remembered until {@link #VALID} after it expired, so that a reused or
 * late one is refused with its reason; at most {@link #MAX} are remembered, and when that many are, no new one is
 * issued until the oldest is forgotten (nobody can fill the node's memory by asking). Pure but for the random bytes.
 */
public final class Nonces {
    public static final Duration VALID = Duration.ofSeconds(120);
    public static final int MAX = 256;

    public sealed interface Issued {
        record Nonce(String value, Instant expires) implements Issued {
        }

        record Full(Duration retryAfter) implements Issued {
        }
    }

    private record Entry(Instant expires, boolean used) {
    }

    private final Clock clock;
    private final SecureRandom random;
    private final int max;
    private final Map<String, Entry> remembered = new LinkedHashMap<>();

    public Nonces(Clock clock) {
        this(clock, new SecureRandom(), MAX);
    }

    Nonces(Clock clock, SecureRandom random, int max) {
        this.clock = clock;
        this.random = random;
        this.max = max;
    }

    public synchronized Issued issue() {
        Instant now = clock.instant();
        forget(now);
        if (remembered.size() >= max) {
            Instant oldestGone = remembered.values().iterator().next().expires().plus(VALID);
            return new Issued.Full(Duration.between(now, oldestGone).plusSeconds(1));
        }
        byte[] b = new byte[32];
        random.nextBytes(b);
        String value = HexFormat.of().formatHex(b);
        Instant expires = now.plus(VALID);
        remembered.put(value, new Entry(expires, false));
        return new Issued.Nonce(value, expires);
    }

    /** Null when {@code nonce} was issued here, is unused and has not expired; it is used from now on. Else why not. */
    public synchronized String take(String nonce) {
        Instant now = clock.instant();
        forget(now);
        Entry e = remembered.get(nonce);
        if (e == null) return "the nonce is not one this node issued in the last " + VALID.multipliedBy(2).toSeconds() + " s: ask for a new one";
        if (e.used()) return "the nonce was used already: each serves one attempt; ask for a new one";
        remembered.put(nonce, new Entry(e.expires(), true));
        if (!now.isBefore(e.expires())) return "the nonce expired: it is valid " + VALID.toSeconds() + " s; ask for a new one";
        return null;
    }

    /** Nonces issued in time order expire in that order: the first ones are the ones to forget. */
    private void forget(Instant now) {
        for (Iterator<Entry> i = remembered.values().iterator(); i.hasNext(); ) {
            if (i.next().expires().plus(VALID).isAfter(now)) break;
            i.remove();
        }
    }
}
