package zed.actors.ui.ssh;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Whether an SSHSIG signature logs in for a nonce: made for the namespace {@value #NAMESPACE} exactly, by a key
 * listed in {@code authorized_keys} (its blob compared), over the nonce, with sha256 or sha512 and a signature
 * algorithm that is not SHA-1. Pure: the nonce's freshness is {@link SshLogin}'s, the file's reading
 * {@link AuthorizedKeysFile}'s.
 */
public final class SignatureCheck {
    /** What the operator passes to {@code ssh-keygen -Y sign -n}: a signature made for anything else never logs in. */
    public static final String NAMESPACE = "zed-login";

    private SignatureCheck() {
    }

    public static Verdict check(SshSignature sig, String nonce, AuthorizedKeys keys) {
        if (!sig.namespace().equals(NAMESPACE)) {
            return new Verdict.Refused("the signature is for the namespace \"" + sig.namespace() + "\", not \"" + NAMESPACE + "\": sign with -n " + NAMESPACE);
        }
        if (!sig.hashAlgorithm().equals("sha256") && !sig.hashAlgorithm().equals("sha512")) {
            return new Verdict.Refused("the signature hashes the message with " + sig.hashAlgorithm() + ": sha256 or sha512 only");
        }
        AuthorizedKeys.Listed listed = keys.find(sig.publicKey());
        if (listed == null) {
            return new Verdict.Refused("the key that signed (" + fingerprintOf(sig.publicKey()) + ") is not listed in authorized_keys");
        }
        // the nonce as the page shows it, or as echo writes it (with a newline): both are exactly the nonce
        String why = null;
        for (String message : List.of(nonce, nonce + "\n")) {
            why = listed.key().refuses(sig.algorithm(), sig.signature(), sig.signedData(message.getBytes(StandardCharsets.US_ASCII)));
            if (why == null) return new Verdict.Verified(listed);
        }
        return new Verdict.Refused(why.equals("the signature does not match")
                ? "the signature does not match the nonce " + nonce + " (another message was signed, or the signature was altered)" : why);
    }

    private static String fingerprintOf(byte[] blob) {
        try {
            return SshKey.of(blob).fingerprint();
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }
}
