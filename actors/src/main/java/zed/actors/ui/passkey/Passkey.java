package zed.actors.ui.passkey;

import zed.actors.http.Scope;
import zed.actors.ui.Authority;
import zed.actors.ui.Grant;

import java.time.Instant;

/**
 * A registered passkey: the credential's id and public key (WebAuthn's attested credential data, as the authenticator
 * sent it), its signature counter, and the session it logs in: the scope and token name of the session that
 * registered it (a read-only session registers read-only passkeys), and the {@link Authority} that session stood on: a
 * passkey logs in only while that still stands.
 *
 * @param id         the credential's id, base64url
 * @param credential the attested credential data (id and COSE public key), base64url
 * @param lastUsed   null before its first login
 * @param authority  null for one registered before passkeys recorded it: it logs in no more (register it again)
 */
public record Passkey(String id, String name, Instant created, Instant lastUsed, Scope scope, String token, long counter, String credential, Authority authority) {
    /** The longest name a passkey may have, and what it may be made of: words an operator types, nothing to escape. */
    public static final int LONGEST_NAME = 64;

    /** This passkey after a login: its new counter, used now. */
    public Passkey used(long newCounter, Instant now) {
        return new Passkey(id, name, created, now, scope, token, newCounter, credential, authority);
    }

    /** What a login with it opens: its scope, audited as the token that registered it, and which passkey. */
    public Grant grant() {
        return new Grant(token + " (passkey " + name + ")", scope);
    }

    /** A time as the Passkeys page shows it: to the second, in UTC; "never" for none. */
    public static String shown(Instant t) {
        return t == null ? "never" : t.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString().replace('T', ' ').replace("Z", " UTC");
    }

    /** Null when {@code name} may name a passkey; else why not. */
    public static String nameRefused(String name) {
        if (name == null || name.isBlank()) return "name the passkey (which device or key it is)";
        if (name.length() > LONGEST_NAME) return "a passkey's name has at most " + LONGEST_NAME + " characters";
        if (!name.matches("[\\p{L}\\p{N} ._'-]+")) return "a passkey's name has letters, digits, spaces and . _ ' - only";
        return null;
    }
}
