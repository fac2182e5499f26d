package zed.actors.http;

import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import zed.actors.ui.Authority;
import zed.actors.ui.Grant;
import zed.actors.ui.Pages;
import zed.actors.ui.ssh.AuthorizedKeys;
import zed.actors.ui.ssh.SshLogin;
import zed.actors.ui.ssh.SshSignature;
import zed.actors.ui.ssh.Verdict;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

/**
 * The SSH-key login's two forms ({@link SshLogin}), under {@code /ui}: {@code POST /ui/login/ssh/nonce} is the page
 * that shows a fresh nonce and the command that signs it, and {@code POST /ui/login/ssh} ({@code nonce},
 * {@code signature}) opens a session of the key's scope, or is a page that says why not. There is no session yet, so
 * no CSRF token: the nonce is the form's single-use credential; the guard's Host and Origin checks hold.
 */
final class SshLoginRoute extends AllDirectives {
    /** A signature and a nonce, with room to spare. */
    private static final long MAX_BODY = 2L * SshSignature.MAX_ARMORED;

    private final SshLogin login;
    private final LoginLinkRoute sessions;
    private final Logger log;

    SshLoginRoute(SshLogin login, LoginLinkRoute sessions, Logger log) {
        this.login = login;
        this.sessions = sessions;
        this.log = log;
    }

    /** The routes under {@code /ui}. */
    Route route() {
        return pathPrefix(segment("login").slash("ssh"), () -> post(() -> withSizeLimit(MAX_BODY, () -> concat(
                pathEnd(() -> extractRequest(req -> formFieldMap(form -> verify(req, form.get("nonce"), form.get("signature"))))),
                path("nonce", this::nonce)))));
    }

    private Route nonce() {
        String nonce = login.challenge();
        return complete(UiAnswers.page(StatusCodes.OK, Pages.sshLogin(nonce, SshLogin.command(nonce), SshLogin.VALID.toSeconds())));
    }

    private Route verify(org.apache.pekko.http.javadsl.model.HttpRequest req, String nonce, String signature) {
        if (nonce == null || signature == null) {
            return complete(UiAnswers.page(StatusCodes.BAD_REQUEST, Pages.message("Not a login", "Send the nonce and the signature, from the SSH login page.")));
        }
        Verdict v = login.login(nonce, signature);
        if (v instanceof Verdict.Refused r) {
            // why, for the one who signed: their own key's fingerprint at most, never which keys are listed
            log.info("SSH-key login refused: {}", r.why());
            return complete(UiAnswers.page(StatusCodes.UNAUTHORIZED, Pages.message("SSH-key login refused", r.why())));
        }
        AuthorizedKeys.Listed key = ((Verdict.Verified) v).key();
        log.info("SSH-key login by {} ({}, authorized_keys line {}), scope {}", key.key().fingerprint(), key.comment(), key.line(), key.scope().word());
        return sessions.loggedIn(req, new Grant(grantName(key), key.scope()), new Authority.SshKey(key.key().fingerprint()));
    }

    /** The name the session's calls are audited under: the key's comment (who it is) and its fingerprint. */
    static String grantName(AuthorizedKeys.Listed key) {
        return "ssh:" + (key.comment().isEmpty() ? "" : key.comment() + " ") + key.key().fingerprint();
    }
}
