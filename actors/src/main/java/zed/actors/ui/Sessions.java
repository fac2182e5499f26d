package zed.actors.ui;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The dashboard's sessions, in the node's memory (a restarted node logs everyone out): each lasts {@link #LASTS} from
 * its login, not extended by use, and carries its own CSRF token, which every POST must show, and the {@link Authority}
 * it stands on (the gate ends it once that falls). Only the hash of a session's cookie is kept. Pure: the time is the
 * caller's.
 */
public final class Sessions {
    public static final Duration LASTS = Duration.ofHours(8);
    /** More live sessions than any operator opens: the oldest gives way, so a flood of logins cannot fill the memory. */
    static final int MOST = 1000;

    /** A session as a request sees it. {@code csrf} goes into its pages' forms and htmx's header. */
    public record Session(Grant grant, Authority authority, String csrf, Instant expires) {
        public boolean csrfMatches(String presented) {
            return BrowserKeys.same(csrf, presented);
        }
    }

    /** A new session: its cookie's value (shown once, in Set-Cookie) and the session. */
    public record Opened(String cookie, Session session) {
    }

    private final Map<String, Session> byHash = new HashMap<>();

    public synchronized Opened open(Grant grant, Authority authority, Instant now) {
        byHash.values().removeIf(s -> !now.isBefore(s.expires()));
        if (byHash.size() >= MOST) {
            byHash.entrySet().stream().min(Map.Entry.comparingByValue(java.util.Comparator.comparing(Session::expires)))
                    .map(Map.Entry::getKey).ifPresent(byHash::remove);
        }
        String cookie = BrowserKeys.fresh();
        Session s = new Session(grant, authority, BrowserKeys.fresh(), now.plus(LASTS));
        byHash.put(BrowserKeys.hash(cookie), s);
        return new Opened(cookie, s);
    }

    /** The live session of this cookie, or null (none, unknown, expired). */
    public synchronized Session find(String cookie, Instant now) {
        if (cookie == null) return null;
        String h = BrowserKeys.hash(cookie);
        Session s = byHash.get(h);
        if (s == null) return null;
        if (!now.isBefore(s.expires())) {
            byHash.remove(h);
            return null;
        }
        return s;
    }

    public synchronized void close(String cookie) {
        if (cookie != null) byHash.remove(BrowserKeys.hash(cookie));
    }
}
