package zed.actors.http;

import java.util.Locale;

/**
 * What an API token may do (docs/security.md): {@code read} reads, {@code deploy} also changes levels (push, down,
 * rollback, move, promote), {@code admin} everything, the cluster's administration and root's sudo hooks too. Each
 * allows what those before it allow.
 */
public enum Scope {
    READ, DEPLOY, ADMIN;

    public boolean allows(Scope needed) {
        return compareTo(needed) >= 0;
    }

    /** As an operator writes it: read, deploy, admin. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the scopes there are */
    public static Scope of(String word) {
        for (Scope s : values()) if (s.word().equals(word)) return s;
        throw new IllegalArgumentException("a scope is read, deploy or admin, not \"" + word + "\"");
    }
}
