package zed.actors.ui.ssh;

import zed.actors.ui.SingleUse;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;

/**
 * The SSH-key login of the dashboard (docs/ui.md): the node issues a nonce, the operator signs it with
 * {@code ssh-keygen -Y sign -n zed-login}, and a signature by a key of {@code $ZED_HOME/authorized_keys} over a fresh
 * nonce names who logged in. The nonce is consumed first, so a failed attempt costs it too. What a verified login
 * opens (a session) is the caller's.
 */
public final class SshLogin {
    public static final Duration VALID = Duration.ofSeconds(120);
    /** Nonces remembered at once (each until {@link #VALID} after it expired); past that, none is issued. */
    public static final int MAX = 256;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SingleUse<String> nonces;
    private final AuthorizedKeysFile keys;
    private final Clock clock;

    public SshLogin(Path zedHome, Clock clock) {
        this(new SingleUse<>(VALID, VALID, MAX, SshLogin::hex), new AuthorizedKeysFile(zedHome), clock);
    }

    SshLogin(SingleUse<String> nonces, AuthorizedKeysFile keys, Clock clock) {
        this.nonces = nonces;
        this.keys = keys;
        this.clock = clock;
    }

    /** 32 random bytes in hex: what echo prints as it is, whatever the shell. */
    static String hex() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    public SingleUse.Issued<String> challenge() {
        return nonces.issue("ssh", clock.instant());
    }

    /** The command that signs {@code nonce}, for the page to show: it prints the armored signature to paste back. */
    public static String command(String nonce) {
        return "echo " + nonce + " | ssh-keygen -Y sign -n " + SignatureCheck.NAMESPACE + " -f ~/.ssh/id_ed25519";
    }

    public Verdict login(String nonce, String armoredSignature) {
        if (nonces.take(nonce, clock.instant()) instanceof SingleUse.Refused<String> r) {
            return new Verdict.Refused(switch (r.why()) {
                case UNKNOWN -> "the nonce is not one this node issued in the last " + VALID.multipliedBy(2).toSeconds() + " s: ask for a new one";
                case USED -> "the nonce was used already: each serves one attempt; ask for a new one";
                case EXPIRED -> "the nonce expired: it is valid " + VALID.toSeconds() + " s; ask for a new one";
            });
        }
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
