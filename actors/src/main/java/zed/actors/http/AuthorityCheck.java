package zed.actors.http;

import zed.actors.ui.Authority;
import zed.actors.ui.ssh.AuthorizedKeys;
import zed.actors.ui.ssh.AuthorizedKeysFile;

import java.nio.file.Path;

/**
 * Whether a dashboard session's or passkey's {@link Authority} still stands, read from the files at each ask: the
 * token in {@code api-tokens} (through {@link TokenCheck}, which reads it again when it changed), the key in
 * {@code authorized_keys} with a scope at least the session's. An unreadable file stands for nothing, as at a login.
 */
final class AuthorityCheck implements Authority.Standing {
    private final TokenCheck tokens;
    private final AuthorizedKeysFile keys;

    AuthorityCheck(TokenCheck tokens, Path zedHome) {
        this.tokens = tokens;
        this.keys = new AuthorizedKeysFile(zedHome);
    }

    @Override
    public String fallen(Authority authority, Scope scope) {
        if (authority instanceof Authority.Token t) {
            return tokens.holds(t.name(), t.sha256()) ? null : "the token " + t.name() + " was revoked";
        }
        String fingerprint = ((Authority.SshKey) authority).fingerprint();
        if (!(keys.read() instanceof AuthorizedKeysFile.Read.Keys k)) return "no SSH key may log in now (" + keys.file() + " is unusable)";
        for (AuthorizedKeys.Listed l : k.keys().keys()) {
            if (l.key().fingerprint().equals(fingerprint) && l.scope().allows(scope)) return null;
        }
        return "the SSH key " + fingerprint + " is no longer in " + keys.file() + " with scope " + scope.word();
    }
}
