package zed.actors.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.marshalling.sse.EventStreamMarshalling;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.CacheControl;
import org.apache.pekko.http.javadsl.model.headers.CacheDirectives;
import org.apache.pekko.http.javadsl.model.headers.HttpCookie;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.model.headers.SameSite;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import zed.actors.ui.EventLine;
import zed.actors.ui.FleetView;
import zed.actors.ui.Grant;
import zed.actors.ui.LoginLinks;
import zed.actors.ui.Pages;
import zed.actors.ui.Sessions;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

/**
 * The dashboard (docs/ui.md): {@code POST /v1/ui/links} for {@code zed ui login} (an API call, with the API's token),
 * and the browser's {@code /ui}: a login link's page, the Fleet page and its event stream of HTML fragments, a
 * rollback, a logout, and htmx from its WebJars. A browser carries a session cookie, not the API's token; every POST
 * must show its session's CSRF token, and what a POST does needs the scope the API's route for it needs
 * ({@link RouteScopes}). {@link RequestGuard}'s Host and Origin checks come first, as for the API.
 */
final class UiRoute extends AllDirectives {
    static final String COOKIE = "zed_session";
    /** How often an open Fleet page's levels are read again, events or not (a health change journals nothing). */
    private static final Duration REREAD = Duration.ofSeconds(2);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ActorSystem<?> system;
    private final Supplier<CompletionStage<List<JsonNode>>> statuses;
    private final BiFunction<String, String, CompletionStage<HttpResponse>> rollback;
    private final Clock clock;
    private final LoginLinks links = new LoginLinks();
    private final Sessions sessions = new Sessions();
    /** Each level's newest published event, in words, since this node started. */
    private final Map<String, String> lastEvents = new ConcurrentHashMap<>();

    /**
     * @param statuses every level's status as {@code GET /v1/levels/{id}} answers it
     * @param rollback a level's rollback to a target, answered as {@code POST /v1/levels/{id}/rollback} answers it
     */
    UiRoute(ActorSystem<?> system, Supplier<CompletionStage<List<JsonNode>>> statuses, BiFunction<String, String, CompletionStage<HttpResponse>> rollback,
            Clock clock) {
        this.system = system;
        this.statuses = statuses;
        this.rollback = rollback;
        this.clock = clock;
        published().runWith(Sink.foreach(e -> lastEvents.put(e.level(), EventLine.of(e.data()))), system);
    }

    /** The routes; {@code caller} is whoever the request's API token says (null: none). */
    Route route(TokenCheck.Caller caller) {
        return concat(
                path(segment("v1").slash("ui").slash("links"), () -> post(() -> issue(caller))),
                pathPrefix("ui", () -> concat(
                        pathEndOrSingleSlash(() -> get(() -> session(this::fleet))),
                        path("login", () -> get(this::login)),
                        path(segment("fleet").slash("events"), () -> get(() -> optionalCookie(COOKIE, c -> session(s -> fleetEvents(s, c.get().value()))))),
                        path(segment("levels").slash("rollback"), () -> post(() -> session(this::rollback))),
                        path("logout", () -> post(this::logout)),
                        pathPrefix("static", () -> get(this::statics)))));
    }

    // ---- login ---------------------------------------------------------------------------------------------------

    /** {@code zed ui login}'s call: a link for a session of the caller's scope; 429 after {@value LoginLinks#PER_MINUTE} a minute. */
    private Route issue(TokenCheck.Caller caller) {
        return extractRequest(req -> {
            LoginLinks.Issued issued = links.issue(new Grant(caller.name(), caller.scope()), clock.instant());
            if (issued instanceof LoginLinks.Limited l) {
                long wait = Math.max(1, l.retryAfter().toSeconds() + 1);
                return Refusal.answer(req, HttpApi.error(StatusCodes.TOO_MANY_REQUESTS, "at most " + LoginLinks.PER_MINUTE
                        + " login links a minute; try again in " + wait + "s").addHeader(RawHeader.create("Retry-After", Long.toString(wait))));
            }
            LoginLinks.Link link = (LoginLinks.Link) issued;
            ObjectNode o = JSON.createObjectNode();
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
            LoginLinks.Opened opened = links.open(key.orElse(null), clock.instant());
            if (opened instanceof LoginLinks.Refused r) {
                return switch (r.why()) {
                    case USED -> complete(page(StatusCodes.GONE, Pages.message("This login link was used already",
                            "A login link opens one session, once. Ask for a new one.")));
                    case EXPIRED -> complete(page(StatusCodes.GONE, Pages.message("This login link has expired",
                            "A login link is good for " + LoginLinks.VALID.toSeconds() + " seconds. Ask for a new one.")));
                    case UNKNOWN -> complete(page(StatusCodes.NOT_FOUND, Pages.message("Not a login link of this node",
                            "This node did not make this link, or forgot it (a restart forgets every link and session).")));
                };
            }
            Sessions.Opened s = sessions.open(((LoginLinks.Granted) opened).grant(), clock.instant());
            HttpCookie cookie = HttpCookie.create(COOKIE, s.cookie()).withPath("/ui").withHttpOnly(true).withSameSite(SameSite.Strict)
                    .withMaxAge(Sessions.LASTS.toSeconds()).withSecure(https(req));
            return setCookie(cookie, () -> complete(HttpResponse.create().withStatus(StatusCodes.SEE_OTHER).addHeader(Location.create("/ui"))
                    .addHeader(CacheControl.create(CacheDirectives.NO_STORE)).addHeader(RawHeader.create("Referrer-Policy", "no-referrer"))));
        }));
    }

    /** Ends the session (its CSRF token shown), and forgets the cookie. */
    private Route logout() {
        return optionalCookie(COOKIE, c -> formFieldMap(form -> {
            Sessions.Session s = c.map(p -> sessions.find(p.value(), clock.instant())).orElse(null);
            if (s != null && !s.csrfMatches(form.get("csrf"))) return complete(page(StatusCodes.FORBIDDEN, Pages.message("Refused", csrfRefused())));
            c.ifPresent(p -> sessions.close(p.value()));
            return deleteCookie(COOKIE, "", "/ui", () -> complete(HttpResponse.create().withStatus(StatusCodes.SEE_OTHER).addHeader(Location.create("/ui"))));
        }));
    }

    private static boolean https(HttpRequest req) {
        return "https".equals(req.getUri().scheme());
    }

    // ---- pages ---------------------------------------------------------------------------------------------------

    /** The request's live session, or a 401 page that says how to log in. */
    private Route session(Function<Sessions.Session, Route> inner) {
        return optionalCookie(COOKIE, c -> {
            Sessions.Session s = c.map(p -> sessions.find(p.value(), clock.instant())).orElse(null);
            if (s == null) return complete(page(StatusCodes.UNAUTHORIZED, Pages.message("Log in to Zed", "You are not logged in, or your session has ended.")));
            return inner.apply(s);
        });
    }

    private Route fleet(Sessions.Session s) {
        return completeWithFuture(rows().thenApply(rows -> page(StatusCodes.OK, Pages.fleet(rows, s.grant(), s.csrf()))));
    }

    private CompletionStage<List<FleetView.Row>> rows() {
        return statuses.get().thenApply(all -> FleetView.of(all, Map.copyOf(lastEvents)));
    }

    /**
     * The Fleet page's levels as HTML, again whenever an event is published and every {@link #REREAD}, sent only when
     * it changed (event {@code fleet}, which htmx's sse extension swaps in). Ends when the session does (logged out, or expired).
     */
    private Route fleetEvents(Sessions.Session s, String cookie) {
        Source<ServerSentEvent, NotUsed> fragments = Source.tick(Duration.ZERO, REREAD, (Object) "tick").mapMaterializedValue(c -> NotUsed.getInstance())
                .merge(published().map(e -> (Object) e))
                .conflate((a, b) -> a)
                .takeWhile(x -> sessions.find(cookie, clock.instant()) != null) // a logout ends an open page's stream too
                .mapAsync(1, x -> rows().thenApply(rows -> Pages.tree(rows, s.grant().mayDeploy(), s.csrf())))
                .statefulMap(() -> "", (last, html) -> Pair.create(html, html.equals(last) ? Optional.<String>empty() : Optional.of(html)), last -> Optional.empty())
                .filter(Optional::isPresent)
                .map(html -> ServerSentEvent.create(html.get(), "fleet"))
                .keepAlive(Duration.ofSeconds(10), ServerSentEvent::heartbeat);
        return respondWithHeader(CacheControl.create(CacheDirectives.NO_CACHE), () -> completeOK(fragments, EventStreamMarshalling.toEventStream()));
    }

    /** A rollback from the page: its CSRF token, and a session whose scope the API's rollback route allows. */
    private Route rollback(Sessions.Session s) {
        return formFieldMap(form -> {
            if (!s.csrfMatches(form.get("csrf"))) return complete(fragment(StatusCodes.FORBIDDEN, csrfRefused()));
            String level = form.getOrDefault("level", "");
            String target = form.getOrDefault("target", "");
            if (!LevelPath.valid(level) || target.isEmpty()) return complete(fragment(StatusCodes.BAD_REQUEST, "name a level and a target"));
            Scope needed = RouteScopes.needed("POST", List.of("v1", "levels", level, "rollback"));
            if (!s.grant().scope().allows(needed)) {
                return complete(fragment(StatusCodes.FORBIDDEN, "this session has scope " + s.grant().scope().word() + "; a rollback needs " + needed.word()));
            }
            ObjectNode body = JSON.createObjectNode().put("target", target);
            return completeWithFuture(rollback.apply(level, body.toString()).thenCompose(r -> r.entity().toStrict(5000, org.apache.pekko.stream.Materializer.matFromSystem(system))
                    .thenApply(strict -> {
                        JsonNode answer = readOrNull(strict.getData().utf8String());
                        String said = r.status().isSuccess() ? "Rollback " + answer.path("rollback").asText() + " of " + level + " to " + target + " started."
                                : "Rollback of " + level + " refused: " + answer.path("errors").path(0).path("message").asText("HTTP " + r.status().intValue());
                        return fragment(r.status().isSuccess() ? StatusCodes.OK : r.status(), said);
                    })));
        });
    }

    private static String csrfRefused() {
        return "This form did not carry this session's CSRF token: reload the page and try again.";
    }

    private Route statics() {
        return concat(
                path("htmx.min.js", () -> getFromResource(webjar("htmx.org") + "/dist/htmx.min.js")),
                path("sse.js", () -> getFromResource(webjar("htmx-ext-sse") + "/sse.js")),
                path("zed.css", () -> getFromResource("zed/ui/zed.css")));
    }

    /** A WebJar's folder, at the version the build put on the class path (its pom.properties say which). */
    private static String webjar(String artifact) {
        String props = "META-INF/maven/org.webjars.npm/" + artifact + "/pom.properties";
        try (var in = UiRoute.class.getClassLoader().getResourceAsStream(props)) {
            if (in == null) throw new IllegalStateException("the WebJar " + artifact + " is not on the class path (" + props + ")");
            java.util.Properties p = new java.util.Properties();
            p.load(in);
            return "META-INF/resources/webjars/" + artifact + "/" + p.getProperty("version");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    /** The node's published level events, for as long as the consumer runs. */
    private Source<PublishedEvent, NotUsed> published() {
        org.apache.pekko.event.EventStream bus = org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(system).getEventStream();
        return Source.<Object>actorRef(m -> Optional.empty(), m -> Optional.empty(), 64, OverflowStrategy.dropHead())
                .watchTermination((ref, done) -> {
                    bus.subscribe(ref, PublishedEvent.class);
                    done.whenComplete((d, failure) -> bus.unsubscribe(ref));
                    return NotUsed.getInstance();
                })
                .filter(m -> m instanceof PublishedEvent)
                .map(m -> (PublishedEvent) m);
    }

    private static JsonNode readOrNull(String text) {
        try {
            return JSON.readTree(text);
        } catch (java.io.IOException e) {
            return JSON.createObjectNode();
        }
    }

    /**
     * A whole page: no caching, no framing, scripts and styles from this node only, no Referer sent to another site.
     * {@code same-origin}, not {@code no-referrer}: under {@code no-referrer} Chromium sends a form's POST (Log out)
     * with {@code Origin: null}, which the guard refuses as any other origin not the node's.
     */
    private static HttpResponse page(StatusCode status, String html) {
        return HttpResponse.create().withStatus(status).withEntity(HttpEntities.create(ContentTypes.TEXT_HTML_UTF8, html))
                .addHeader(CacheControl.create(CacheDirectives.NO_STORE))
                .addHeader(RawHeader.create("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
                        + "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"))
                .addHeader(RawHeader.create("X-Frame-Options", "DENY"))
                .addHeader(RawHeader.create("Referrer-Policy", "same-origin"));
    }

    /** An answer htmx puts into the page's status line. */
    private static HttpResponse fragment(StatusCode status, String text) {
        String escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
        return HttpResponse.create().withStatus(status).withEntity(HttpEntities.create(ContentTypes.TEXT_HTML_UTF8, escaped))
                .addHeader(CacheControl.create(CacheDirectives.NO_STORE));
    }
}
