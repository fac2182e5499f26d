package zed.actors.ui.ssh;

import zed.actors.ui.Challenges;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;

/**
 * The SSH-key login of the dashboard (docs/ui.md): the node issues a nonce, the operator signs it with
 * {@code ssh-keygen -Y sign -n zed-login}, and a signature by a key of {@code $ZED_HOME/authorized_keys} over a fresh
 * nonce names who logged in. Nonces are {@link Challenges}: asking for one stores nothing, and a nonce is spent by the
 * login it verified (a second login with it is refused). What a verified login opens (a session) is the caller's.
 */
public final class SshLogin {
    public static final Duration VALID = Duration.ofSeconds(120);

    /** In hex: what echo prints as it is, whatever the shell. */
    private final Challenges nonces = new Challenges("zed ssh login", VALID, HexFormat.of()::formatHex, HexFormat.of()::parseHex);
    private final AuthorizedKeysFile keys;
    private final Clock clock;

    public SshLogin(Path zedHome, Clock clock) {
        this.keys = new AuthorizedKeysFile(zedHome);
        this.clock = clock;
    }

    public String challenge() {
        return nonces.issue(clock.instant());
    }

    /** The command that signs {@code nonce}, for the page to show: it prints the armored signature to paste back. */
    public static String command(String nonce) {
        return "echo " + nonce + " | ssh-keygen -Y sign -n " + SignatureCheck.NAMESPACE + " -f ~/.ssh/id_ed25519";
    }

    public Verdict login(String nonce, String armoredSignature) {
        if (nonces.check(nonce, clock.instant()) instanceof Challenges.Refused r) return refused(r);
        SshSignature sig;
        try {
            sig = SshSignature.parse(armoredSignature);
        } catch (IllegalArgumentException e) {
            return new Verdict.Refused(e.getMessage());
        }
        AuthorizedKeysFile.Read read = keys.read();
        if (read instanceof AuthorizedKeysFile.Read.Unusable u) return new Verdict.Refused("no key may log in: " + u.why());
        Verdict v = SignatureCheck.check(sig, nonce, ((AuthorizedKeysFile.Read.Keys) read).keys());
        if (v instanceof Verdict.Verified && nonces.spend(nonce, clock.instant()) instanceof Challenges.Refused r) return refused(r);
        return v;
    }

    private static Verdict refused(Challenges.Refused r) {
        return new Verdict.Refused(switch (r.why()) {
            case UNKNOWN -> "the nonce is not one this node issued (since its last start): ask for a new one";
            case USED -> "the nonce was used already: each logs in once; ask for a new one";
            case EXPIRED -> "the nonce expired: it is valid " + VALID.toSeconds() + " s; ask for a new one";
        });
    }
}
