package zed.actors.http;

import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import zed.actors.ui.Authority;
import zed.actors.ui.Pages;
import zed.actors.ui.Sessions;

import java.time.Clock;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The gate of every dashboard page: the request's live session (from its cookie) or a 401 page that says how to log
 * in; and, for a form's POST, the session's CSRF token, checked before anything is done. A session whose token was
 * revoked, or whose SSH key left authorized_keys, is ended at its next request ({@link Authority.Standing}).
 */
final class UiSessions extends AllDirectives {
    static final String COOKIE = "zed_session";

    final Sessions sessions = new Sessions();
    final Clock clock;
    final Authority.Standing standing;

    UiSessions(Clock clock, Authority.Standing standing) {
        this.clock = clock;
        this.standing = standing;
    }

    /** The request's live session, or a 401 page. */
    Route session(Function<Sessions.Session, Route> inner) {
        return session((s, cookie) -> inner.apply(s));
    }

    /** As {@link #session(Function)}, with the cookie's value (a live page's stream ends when its session does). */
    Route session(BiFunction<Sessions.Session, String, Route> inner) {
        return optionalCookie(COOKIE, c -> {
            Sessions.Session s = c.map(p -> sessions.find(p.value(), clock.instant())).orElse(null);
            if (s == null) return complete(UiAnswers.page(StatusCodes.UNAUTHORIZED, Pages.message("Log in to Zed", "You are not logged in, or your session has ended.")));
            String fallen = standing.fallen(s.authority(), s.grant().scope());
            if (fallen != null) {
                sessions.close(c.get().value());
                return complete(UiAnswers.page(StatusCodes.UNAUTHORIZED, Pages.message("Log in to Zed", "Your session has ended: " + fallen + ".")));
            }
            return inner.apply(s, c.get().value());
        });
    }

    /** A form's POST in a live session: its fields once its CSRF token matched, else a 403 fragment and nothing done. */
    Route form(Sessions.Session s, Function<Map<String, String>, Route> inner) {
        return formFieldMap(form -> s.csrfMatches(form.get("csrf")) ? inner.apply(form)
                : complete(UiAnswers.fragment(StatusCodes.FORBIDDEN, UiAnswers.csrfRefused())));
    }

    /** Whether a session is still live: logged out and expired sessions end an open page's stream. */
    boolean live(String cookie) {
        Sessions.Session s = sessions.find(cookie, clock.instant());
        return s != null && standing.fallen(s.authority(), s.grant().scope()) == null;
    }
}
