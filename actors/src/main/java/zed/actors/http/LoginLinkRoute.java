package zed.actors.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.CacheControl;
import org.apache.pekko.http.javadsl.model.headers.CacheDirectives;
import org.apache.pekko.http.javadsl.model.headers.HttpCookie;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.model.headers.SameSite;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import zed.actors.ui.Authority;
import zed.actors.ui.Grant;
import zed.actors.ui.LoginLinks;
import zed.actors.ui.Pages;
import zed.actors.ui.Sessions;
import zed.actors.ui.SingleUse;
import zed.actors.ui.passkey.RelyingParty;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

/**
 * Logging in and out: {@code POST /v1/ui/links} ({@code zed ui login}, with the API's token), opening a link
 * ({@code GET /ui/login?key=}; without a key, the page of every way to log in), and {@code POST /ui/logout}.
 */
final class LoginLinkRoute extends AllDirectives {
    private final LoginLinks links = new LoginLinks();
    private final UiSessions gate;

    LoginLinkRoute(UiSessions gate) {
        this.gate = gate;
    }

    /** {@code /v1/ui/links}; {@code caller} is whoever the request's API token says. */
    Route api(TokenCheck.Caller caller) {
        return path(segment("v1").slash("ui").slash("links"), () -> post(() -> issue(caller)));
    }

    /** The routes under {@code /ui}. */
    Route ui() {
        return concat(path("login", () -> get(this::login)), path("logout", () -> post(this::logout)));
    }

    /** {@code zed ui login}'s call: a link for a session of the caller's scope; 429 after {@value LoginLinks#PER_MINUTE} a minute. */
    private Route issue(TokenCheck.Caller caller) {
        return extractRequest(req -> {
            LoginLinks.Issued issued = links.issue(new LoginLinks.For(new Grant(caller.name(), caller.scope()),
                    new Authority.Token(caller.name(), caller.sha256())), gate.clock.instant());
            if (issued instanceof LoginLinks.Limited l) {
                long wait = Math.max(1, l.retryAfter().toSeconds() + 1);
                return Refusal.answer(req, HttpApi.error(StatusCodes.TOO_MANY_REQUESTS, "at most " + LoginLinks.PER_MINUTE
                        + " login links a minute; try again in " + wait + "s").addHeader(RawHeader.create("Retry-After", Long.toString(wait))));
            }
            LoginLinks.Link link = (LoginLinks.Link) issued;
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            o.put("path", "/ui/login?key=" + link.secret());
            o.put("expires", link.expires().toString());
            o.put("validSeconds", LoginLinks.VALID.toSeconds());
            o.put("scope", caller.scope().word());
            return Refusal.answer(req, HttpApi.json(StatusCodes.CREATED, o).addHeader(CacheControl.create(CacheDirectives.NO_STORE)));
        });
    }

    /**
     * Opening a link: a session, its cookie, and a redirect to /ui, so that the link's key leaves the address bar and
     * the history. A used, expired or unknown link is a page that says which.
     */
    private Route login() {
        return extractRequest(req -> parameterOptional("key", key -> {
            if (key.isEmpty()) return complete(UiAnswers.page(StatusCodes.OK, Pages.login(RelyingParty.refusal(req.getUri().host().address(), req.getUri().port()))));
            SingleUse.Taken<LoginLinks.For> opened = links.open(key.get(), gate.clock.instant());
            if (opened instanceof SingleUse.Refused<LoginLinks.For> r) {
                return switch (r.why()) {
                    case USED -> complete(UiAnswers.page(StatusCodes.GONE, Pages.message("This login link was used already",
                            "A login link opens one session, once. Ask for a new one.")));
                    case EXPIRED -> complete(UiAnswers.page(StatusCodes.GONE, Pages.message("This login link has expired",
                            "A login link is good for " + LoginLinks.VALID.toSeconds() + " seconds. Ask for a new one.")));
                    case UNKNOWN -> complete(UiAnswers.page(StatusCodes.NOT_FOUND, Pages.message("Not a login link of this node",
                            "This node did not make this link, or forgot it (a restart forgets every link and session).")));
                };
            }
            LoginLinks.For f = ((SingleUse.Granted<LoginLinks.For>) opened).value();
            // revoked between the link's asking and its opening: no session
            String fallen = gate.standing.fallen(f.token(), f.grant().scope());
            if (fallen != null) return complete(UiAnswers.page(StatusCodes.UNAUTHORIZED, Pages.message("This login link no longer logs in", "It was asked for with a token that no longer stands: " + fallen + ".")));
            return loggedIn(req, f.grant(), f.token());
        }));
    }

    /**
     * A new session for {@code grant}: its cookie, and a redirect (303) to /ui. Every way of logging in ends here.
     */
    Route loggedIn(HttpRequest req, Grant grant, Authority authority) {
        Sessions.Opened s = gate.sessions.open(grant, authority, gate.clock.instant());
        HttpCookie cookie = HttpCookie.create(UiSessions.COOKIE, s.cookie()).withPath("/ui").withHttpOnly(true).withSameSite(SameSite.Strict)
                .withMaxAge(Sessions.LASTS.toSeconds()).withSecure("https".equals(req.getUri().scheme()));
        return setCookie(cookie, () -> complete(HttpResponse.create().withStatus(StatusCodes.SEE_OTHER).addHeader(Location.create("/ui"))
                .addHeader(CacheControl.create(CacheDirectives.NO_STORE)).addHeader(RawHeader.create("Referrer-Policy", "no-referrer"))));
    }

    /** Ends the session (its CSRF token shown), and forgets the cookie. */
    private Route logout() {
        return optionalCookie(UiSessions.COOKIE, c -> formFieldMap(form -> {
            Sessions.Session s = c.map(p -> gate.sessions.find(p.value(), gate.clock.instant())).orElse(null);
            if (s != null && !s.csrfMatches(form.get("csrf"))) return complete(UiAnswers.page(StatusCodes.FORBIDDEN, Pages.message("Refused", UiAnswers.csrfRefused())));
            c.ifPresent(p -> gate.sessions.close(p.value()));
            return deleteCookie(UiSessions.COOKIE, "", "/ui", () -> complete(HttpResponse.create().withStatus(StatusCodes.SEE_OTHER).addHeader(Location.create("/ui"))));
        }));
    }
}
