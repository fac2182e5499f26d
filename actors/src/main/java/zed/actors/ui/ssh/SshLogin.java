package zed.actors.ui.ssh;

import java.nio.file.Path;
import java.time.Clock;

/**
 * The SSH-key login of the dashboard (docs/ui.md): the node issues a nonce, the operator signs it with
 * {@code ssh-keygen -Y sign -n zed-login}, and a signature by a key of {@code $ZED_HOME/authorized_keys} over a fresh
 * nonce names who logged in. The nonce is consumed first, so a failed attempt costs it too. What a verified login
 * opens (a session) is the caller's.
 */
public final class SshLogin {
    private final Nonces nonces;
    private final AuthorizedKeysFile keys;

    public SshLogin(Path zedHome, Clock clock) {
        this(new Nonces(clock), new AuthorizedKeysFile(zedHome));
    }

    SshLogin(Nonces nonces, AuthorizedKeysFile keys) {
        this.nonces = nonces;
        this.keys = keys;
    }

    public Nonces.Issued challenge() {
        return nonces.issue();
    }

    /** The command that signs {@code nonce}, for the page to show: it prints the armored signature to paste back. */
    public static String command(String nonce) {
        return "echo " + nonce + " | ssh-keygen -Y sign -n " + SignatureCheck.NAMESPACE + " -f ~/.ssh/id_ed25519";
    }

    public Verdict login(String nonce, String armoredSignature) {
        String stale = nonces.take(nonce);
        if (stale != null) return new Verdict.Refused(stale);
        SshSignature sig;
        try {
            sig = SshSignature.parse(armoredSignature);
        } catch (IllegalArgumentException e) {
            return new Verdict.Refused(e.getMessage());
        }
        AuthorizedKeysFile.Read read = keys.read();
        if (read instanceof AuthorizedKeysFile.Read.Unusable u) return new Verdict.Refused("no key may log in: " + u.why());
        return SignatureCheck.check(sig, nonce, ((AuthorizedKeysFile.Read.Keys) read).keys());
    }
}
