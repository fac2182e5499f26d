package zed.actors.ui;

import org.junit.jupiter.api.Test;
import zed.actors.http.Scope;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SessionsTest {
    static final Instant T0 = Instant.parse("2026-12-05T12:00:00Z");

    @Test
    void aSessionLastsEightHoursFromItsLogin() {
        Sessions sessions = new Sessions();
        Sessions.Opened o = sessions.open(new Grant("ci", Scope.READ), new Authority.Token("ci", "ab12"), T0);
        assertEquals(new Grant("ci", Scope.READ), sessions.find(o.cookie(), T0.plusSeconds(8 * 3600 - 1)).grant());
        assertNull(sessions.find(o.cookie(), T0.plusSeconds(8 * 3600)));
        assertNull(sessions.find(o.cookie(), T0), "an expired session is gone");
    }

    @Test
    void itsCsrfTokenIsItsOwn() {
        Sessions sessions = new Sessions();
        Sessions.Session a = sessions.open(new Grant("node", Scope.ADMIN), new Authority.Token("node", "ab12"), T0).session();
        Sessions.Session b = sessions.open(new Grant("node", Scope.ADMIN), new Authority.Token("node", "ab12"), T0).session();
        assertNotEquals(a.csrf(), b.csrf());
        assertTrue(a.csrfMatches(a.csrf()));
        assertFalse(a.csrfMatches(b.csrf()));
        assertFalse(a.csrfMatches(null));
        assertFalse(a.csrfMatches(""));
    }

    @Test
    void aClosedOrUnknownCookieFindsNothing() {
        Sessions sessions = new Sessions();
        Sessions.Opened o = sessions.open(new Grant("node", Scope.ADMIN), new Authority.Token("node", "ab12"), T0);
        assertNull(sessions.find("not-a-session", T0));
        assertNull(sessions.find(null, T0));
        sessions.close(o.cookie());
        assertNull(sessions.find(o.cookie(), T0));
    }

    @Test
    void aFloodOfLoginsKeepsAtMostAThousand() {
        Sessions sessions = new Sessions();
        Sessions.Opened first = sessions.open(new Grant("node", Scope.ADMIN), new Authority.Token("node", "ab12"), T0);
        Sessions.Opened last = null;
        for (int i = 1; i <= Sessions.MOST; i++) last = sessions.open(new Grant("node", Scope.ADMIN), new Authority.Token("node", "ab12"), T0.plusSeconds(i));
        assertNull(sessions.find(first.cookie(), T0.plusSeconds(2000)), "the oldest gave way");
        assertEquals(last.session(), sessions.find(last.cookie(), T0.plusSeconds(2000)));
    }
}
