package zed.actors.http;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The dashboard (docs/ui.md): {@code POST /v1/ui/links} for {@code zed ui login} (an API call, with the API's token),
 * and the browser's {@code /ui}, one class per page. A browser carries a session cookie, not the API's token
 * ({@link UiSessions}); every POST must show its session's CSRF token, and a page changes things only through the
 * node's own API with the session's scope ({@link NodeApi}). {@link RequestGuard}'s Host and Origin checks come
 * first, as for the API.
 */
final class UiRoute extends AllDirectives {
    static final String COOKIE = UiSessions.COOKIE;

    private final UiSessions gate;
    private final LoginLinkRoute login;
    private final FleetPage fleet;
    private final ReviewPages review;
    private final HostsPage hosts;
    private final LevelPage level;
    private final EventsPage events;
    private final SshLoginRoute ssh;
    private final PasskeyPage passkeys;
    private final UiStatics statics = new UiStatics();

    /**
     * @param api the node's API, for pages to ask on behalf of their session
     * @param statuses every level's status as {@code GET /v1/levels/{id}} answers it
     * @param zedHome  where authorized_keys and passkeys.json are
     * @param tokens   the API's tokens: a session or passkey ends with the token it stands on
     */
    UiRoute(ActorSystem<?> system, NodeApi api, Supplier<CompletionStage<List<JsonNode>>> statuses, Clock clock, java.nio.file.Path zedHome, TokenCheck tokens) {
        zed.actors.ui.Authority.Standing standing = new AuthorityCheck(tokens, zedHome);
        this.gate = new UiSessions(clock, standing);
        this.login = new LoginLinkRoute(gate);
        this.fleet = new FleetPage(system, gate, api, statuses);
        this.review = new ReviewPages(system, gate, api);
        this.hosts = new HostsPage(system, gate, api, statuses);
        JournalEvents journal = new JournalEvents(system);
        this.level = new LevelPage(system, gate, api, journal);
        this.events = new EventsPage(gate, journal, statuses);
        this.ssh = new SshLoginRoute(new zed.actors.ui.ssh.SshLogin(zedHome, clock), login, system.log());
        this.passkeys = new PasskeyPage(new zed.actors.ui.passkey.Passkeys(zedHome, clock, standing), gate, login, system.log());
    }

    /** The routes; {@code caller} is whoever the request's API token says (null: none). */
    Route route(TokenCheck.Caller caller) {
        return concat(
                login.api(caller),
                pathPrefix("ui", () -> concat(
                        fleet.route(),
                        review.route(),
                        hosts.route(),
                        level.route(),
                        events.route(),
                        login.ui(),
                        ssh.route(),
                        passkeys.route(),
                        statics.route())));
    }
}
