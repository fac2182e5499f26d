package zed.actors.ui;

import zed.actors.http.Scope;

/**
 * What a dashboard login stands on, and so what ends it: the API token whose login link opened a session, or the
 * authorized_keys entry whose SSH key signed in. A passkey records the authority of the session that registered it,
 * and a session opened with the passkey inherits it. Revoking the token, or removing the key's entry (or narrowing its
 * scope below the session's), ends every session and passkey that stands on it ({@link Standing}).
 */
public sealed interface Authority {
    /** @param sha256 the token's hash, as {@code api-tokens} keeps it: a token made again under the same name is another */
    record Token(String name, String sha256) implements Authority {
        @Override
        public String words() {
            return "token " + name;
        }
    }

    /** @param fingerprint the key's SHA256 fingerprint, as ssh-keygen -l prints it */
    record SshKey(String fingerprint) implements Authority {
        @Override
        public String words() {
            return "SSH key " + fingerprint;
        }
    }

    /** In words for a page: "token ci", "SSH key SHA256:...". */
    String words();

    /** As passkeys.json keeps it. */
    default String stored() {
        if (this instanceof Token t) return "token:" + t.name() + ":" + t.sha256();
        return "ssh:" + ((SshKey) this).fingerprint();
    }

    /** What {@link #stored} wrote; null for what it did not. */
    static Authority parse(String stored) {
        if (stored == null) return null;
        if (stored.startsWith("ssh:")) return new SshKey(stored.substring(4));
        String[] p = stored.split(":");
        return p.length == 3 && p[0].equals("token") ? new Token(p[1], p[2]) : null;
    }

    /** Whether what a login stands on still stands. */
    @FunctionalInterface
    interface Standing {
        /** Null while {@code authority} still grants {@code scope}; else why not, in words for a page. */
        String fallen(Authority authority, Scope scope);
    }
}
