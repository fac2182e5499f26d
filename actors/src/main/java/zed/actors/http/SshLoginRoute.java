package zed.actors.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import zed.actors.ui.ssh.AuthorizedKeys;
import zed.actors.ui.ssh.Nonces;
import zed.actors.ui.ssh.SshLogin;
import zed.actors.ui.ssh.SshSignature;
import zed.actors.ui.ssh.Verdict;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

/**
 * The SSH-key login's two calls ({@link SshLogin}), the only routes under {@code /ui} for now and, being the login
 * itself, open without an API token ({@link RouteScopes}); the guard's Host, Origin and
 * {@code Content-Type: application/json} checks still hold:
 * <ul>
 *   <li>{@code POST /ui/login/ssh/nonce} {@code {}}: a nonce and the command that signs it; 429 while too many are
 *       outstanding.</li>
 *   <li>{@code POST /ui/login/ssh} {@code {"nonce", "signature"}}: the key that signed (its fingerprint and its
 *       comment), or 401 and why. The answer opens no session: that is the dashboard's.</li>
 * </ul>
 */
final class SshLoginRoute extends AllDirectives {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A signature and a nonce, with room to spare. */
    private static final long MAX_BODY = 2L * SshSignature.MAX_ARMORED;

    private final SshLogin login;
    private final Logger log;

    SshLoginRoute(SshLogin login, Logger log) {
        this.login = login;
        this.log = log;
    }

    Route route() {
        return pathPrefix(segment("ui").slash("login").slash("ssh"), () -> withSizeLimit(MAX_BODY, () -> concat(
                pathEnd(() -> post(() -> entity(Unmarshaller.entityToString(), body -> complete(verify(body))))),
                path("nonce", () -> post(() -> entity(Unmarshaller.entityToString(), body -> complete(nonce())))))));
    }

    private HttpResponse nonce() {
        Nonces.Issued issued = login.challenge();
        if (issued instanceof Nonces.Issued.Full full) {
            return HttpApi.error(StatusCodes.TOO_MANY_REQUESTS, "too many logins are under way: try again in " + full.retryAfter().toSeconds() + " s")
                    .addHeader(RawHeader.create("Retry-After", Long.toString(full.retryAfter().toSeconds())));
        }
        Nonces.Issued.Nonce n = (Nonces.Issued.Nonce) issued;
        ObjectNode o = JSON.createObjectNode();
        o.put("nonce", n.value());
        o.put("expires", n.expires().toString());
        o.put("command", SshLogin.command(n.value()));
        return HttpApi.json(StatusCodes.OK, o);
    }

    private HttpResponse verify(String body) {
        JsonNode req;
        try {
            req = JSON.readTree(body);
        } catch (java.io.IOException e) {
            req = null;
        }
        JsonNode nonce = req == null ? null : req.get("nonce");
        JsonNode signature = req == null ? null : req.get("signature");
        if (nonce == null || !nonce.isTextual() || signature == null || !signature.isTextual()) {
            return HttpApi.error(StatusCodes.BAD_REQUEST, "the body must be {\"nonce\": \"...\", \"signature\": \"" + SshSignature.BEGIN + "...\"}");
        }
        Verdict v = login.login(nonce.asText(), signature.asText());
        if (v instanceof Verdict.Refused r) {
            log.info("SSH-key login refused: {}", r.why());
            return HttpApi.error(StatusCodes.UNAUTHORIZED, r.why());
        }
        AuthorizedKeys.Listed key = ((Verdict.Verified) v).key();
        log.info("SSH-key login by {} ({}, authorized_keys line {})", key.key().fingerprint(), key.comment(), key.line());
        ObjectNode o = JSON.createObjectNode();
        o.put("fingerprint", key.key().fingerprint());
        o.put("type", key.key().type());
        o.put("comment", key.comment());
        return HttpApi.json(StatusCodes.OK, o);
    }
}
