package zed.actors.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.slf4j.Logger;
import zed.actors.ui.Pages;
import zed.actors.ui.Sessions;
import zed.actors.ui.SingleUse;
import zed.actors.ui.passkey.Passkey;
import zed.actors.ui.passkey.Passkeys;
import zed.actors.ui.passkey.RelyingParty;

import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

/**
 * Passkeys (docs/ui.md): the Passkeys page of a session ({@code /ui/passkeys}: list, register, remove) and the login
 * with one ({@code /ui/login/passkey}). The browser's side is /ui/static/passkey.js, which asks for a ceremony's
 * options here, calls navigator.credentials, and posts the answer back, all as JSON: a registration carries its
 * session's CSRF token in the body; a login has no session yet, and its two calls are open routes
 * ({@link RouteScopes}), whose guard still wants JSON, the node's Host and no foreign Origin.
 */
final class PasskeyPage extends AllDirectives {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_BODY = 64 * 1024;

    private final Passkeys passkeys;
    private final UiSessions gate;
    private final LoginLinkRoute sessions;
    private final Logger log;

    PasskeyPage(Passkeys passkeys, UiSessions gate, LoginLinkRoute sessions, Logger log) {
        this.passkeys = passkeys;
        this.gate = gate;
        this.sessions = sessions;
        this.log = log;
    }

    /** The routes under {@code /ui}. */
    Route route() {
        return withSizeLimit(MAX_BODY, () -> concat(
                pathPrefix("passkeys", () -> concat(
                        pathEnd(() -> concat(
                                get(() -> gate.session(this::page)),
                                post(() -> gate.session(s -> party(rp -> json(body -> register(s, rp, body))))))),
                        path("options", () -> post(() -> gate.session(s -> party(rp -> json(body -> registration(s, rp, body)))))),
                        path("remove", () -> post(() -> gate.session(s -> gate.form(s, form -> remove(s, form.get("id")))))))),
                pathPrefix(segment("login").slash("passkey"), () -> post(() -> concat(
                        pathEnd(() -> extractRequest(req -> party(rp -> json(body -> login(req, rp, body))))),
                        path("options", () -> party(rp -> json(body -> loginOptions(rp)))))))));
    }

    private Route page(Sessions.Session s) {
        return extractRequest(req -> {
            List<Passkey> all = passkeys.all();
            Map<String, String> fallen = new HashMap<>();
            for (Passkey p : all) {
                String why = passkeys.fallen(p);
                if (why != null) fallen.put(p.id(), why);
            }
            return complete(UiAnswers.page(StatusCodes.OK, Pages.passkeys(all, fallen, s.grant(), s.csrf(),
                    RelyingParty.refusal(req.getUri().host().address(), req.getUri().port()))));
        });
    }

    /** The request's relying party; a bare IP address is refused (WebAuthn would), saying what to open instead. */
    private Route party(Function<RelyingParty, Route> inner) {
        return extractRequest(req -> {
            String host = req.getUri().host().address();
            int port = req.getUri().port();
            String refusal = RelyingParty.refusal(host, port);
            if (refusal != null) return complete(HttpApi.error(StatusCodes.BAD_REQUEST, refusal));
            return inner.apply(RelyingParty.of(req.getUri().scheme(), host, port));
        });
    }

    private Route json(Function<JsonNode, Route> inner) {
        return entity(Unmarshaller.entityToString(), text -> {
            JsonNode body;
            try {
                body = JSON.readTree(text);
            } catch (java.io.IOException e) {
                body = null;
            }
            if (body == null || !body.isObject()) return complete(HttpApi.error(StatusCodes.BAD_REQUEST, "send a JSON object"));
            return inner.apply(body);
        });
    }

    /** create()'s options for a new passkey of this session's scope, named by the operator. */
    private Route registration(Sessions.Session s, RelyingParty rp, JsonNode body) {
        if (!s.csrfMatches(body.path("csrf").asText(null))) return complete(HttpApi.error(StatusCodes.FORBIDDEN, UiAnswers.csrfRefused()));
        String name = body.path("name").asText("").strip();
        String bad = Passkey.nameRefused(name);
        if (bad != null) return complete(HttpApi.error(StatusCodes.BAD_REQUEST, bad));
        String user = zed.actors.ui.BrowserKeys.fresh();
        SingleUse.Issued<Passkeys.Registering> issued = passkeys.registration(new Passkeys.Registering(s.grant(), s.authority(), name, user));
        if (!(issued instanceof SingleUse.Key<Passkeys.Registering> k)) return complete(full());
        ObjectNode o = JSON.createObjectNode().put("challenge", k.key()).put("timeout", Passkeys.VALID.toMillis()).put("attestation", "none");
        o.putObject("rp").put("id", rp.id()).put("name", "Zed");
        o.putObject("user").put("id", user).put("name", name).put("displayName", name + " (" + s.grant().scope().word() + ", Zed at " + rp.id() + ")");
        ArrayNode algs = o.putArray("pubKeyCredParams");
        for (var a : Passkeys.ALGORITHMS) algs.addObject().put("type", "public-key").put("alg", a.getValue());
        o.putObject("authenticatorSelection").put("residentKey", "required").put("requireResidentKey", true).put("userVerification", "required");
        ArrayNode exclude = o.putArray("excludeCredentials");
        for (Passkey p : passkeys.all()) exclude.addObject().put("type", "public-key").put("id", p.id());
        return complete(HttpApi.json(StatusCodes.OK, o));
    }

    private Route register(Sessions.Session s, RelyingParty rp, JsonNode body) {
        if (!s.csrfMatches(body.path("csrf").asText(null))) return complete(HttpApi.error(StatusCodes.FORBIDDEN, UiAnswers.csrfRefused()));
        Set<String> transports = new HashSet<>();
        body.path("transports").forEach(t -> transports.add(t.asText()));
        Passkeys.Outcome o;
        try {
            o = passkeys.register(s.grant(), s.authority(), body.path("challenge").asText(""), rp, bytes(body, "attestationObject"), bytes(body, "clientDataJSON"), transports);
        } catch (IllegalArgumentException e) {
            return complete(HttpApi.error(StatusCodes.BAD_REQUEST, e.getMessage()));
        }
        if (o instanceof Passkeys.Outcome.Refused r) {
            log.info("passkey registration refused: {}", r.why());
            return complete(HttpApi.error(StatusCodes.BAD_REQUEST, r.why()));
        }
        Passkey p = ((Passkeys.Outcome.Done) o).passkey();
        log.info("passkey {} registered by {}, scope {}", p.name(), s.grant().token(), p.scope().word());
        return complete(HttpApi.json(StatusCodes.CREATED, JSON.createObjectNode().put("name", p.name()).put("scope", p.scope().word())));
    }

    private Route remove(Sessions.Session s, String id) {
        String why = id == null ? "name a passkey" : passkeys.remove(s.grant(), id);
        if (why != null) return complete(UiAnswers.page(StatusCodes.FORBIDDEN, Pages.message("Not removed", why)));
        log.info("passkey {} removed by {}", id, s.grant().token());
        return complete(HttpResponse.create().withStatus(StatusCodes.SEE_OTHER).addHeader(Location.create("/ui/passkeys")));
    }

    /** get()'s options: any passkey registered here (discoverable: the authenticator offers its own). */
    private Route loginOptions(RelyingParty rp) {
        return complete(HttpApi.json(StatusCodes.OK, JSON.createObjectNode().put("challenge", passkeys.loginChallenge()).put("rpId", rp.id())
                .put("timeout", Passkeys.VALID.toMillis()).put("userVerification", "required")));
    }

    private Route login(HttpRequest req, RelyingParty rp, JsonNode body) {
        Passkeys.Outcome o;
        try {
            byte[] user = body.hasNonNull("userHandle") ? bytes(body, "userHandle") : null;
            o = passkeys.login(body.path("challenge").asText(""), rp, bytes(body, "id"), user, bytes(body, "authenticatorData"), bytes(body, "clientDataJSON"), bytes(body, "signature"));
        } catch (IllegalArgumentException e) {
            return complete(HttpApi.error(StatusCodes.BAD_REQUEST, e.getMessage()));
        }
        if (o instanceof Passkeys.Outcome.Refused r) {
            log.info("passkey login refused: {}", r.why());
            return complete(HttpApi.error(StatusCodes.UNAUTHORIZED, r.why()));
        }
        Passkey p = ((Passkeys.Outcome.Done) o).passkey();
        log.info("passkey login with {} (registered by {}), scope {}", p.name(), p.token(), p.scope().word());
        return sessions.loggedIn(req, p.grant(), p.authority());
    }

    private static HttpResponse full() {
        return HttpApi.error(StatusCodes.TOO_MANY_REQUESTS, "too many passkey registrations are under way: try again in " + Passkeys.VALID.toSeconds() + " s");
    }

    private static byte[] bytes(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || !n.isTextual()) throw new IllegalArgumentException("the field " + field + " is missing (base64url)");
        try {
            return Base64.getUrlDecoder().decode(n.asText());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the field " + field + " is not base64url");
        }
    }
}
