package zed.actors.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Who a request's {@code Authorization: Bearer} header says it is: the node's own token ({@value ApiTokens#NODE},
 * admin) or a scoped one of {@code api-tokens}. The file is read again whenever it changed (another inode, size or
 * time), so a revoked token is refused from the next request on, with no restart. A file that cannot be read refuses
 * every scoped token (the node's own still works) and says why in the 401. Notes when each token was last used, at
 * most once a minute each.
 */
final class TokenCheck {
    /**
     * Who called: a token's name and scope, and its hash (which token of that name: a dashboard session remembers
     * it, {@link #holds}); null where no token was shown (a dashboard page's call, audited under its session's name).
     */
    record Caller(String name, Scope scope, String sha256) {
        Caller(String name, Scope scope) {
            this(name, scope, null);
        }
    }

    private static final Duration NOTE_EVERY = Duration.ofMinutes(1);

    private final ApiToken node;
    private final Path stateDir;
    private final Clock clock;
    private Object seen; // the file's identity when last read; null for none
    private List<ApiTokens.Entry> tokens = List.of();
    private String unreadable;
    private final Map<String, Instant> used;

    TokenCheck(ApiToken node, Path stateDir, Clock clock) {
        this.node = node;
        this.stateDir = stateDir;
        this.clock = clock;
        this.used = new LinkedHashMap<>(ApiTokens.lastUsed(stateDir));
    }

    /** The caller, or null when the header names no token this node knows. */
    synchronized Caller identify(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) return null;
        String presented = authorization.substring(7).strip();
        Caller c = node.accepts(authorization) ? new Caller(ApiTokens.NODE, Scope.ADMIN, ApiTokens.sha256(presented)) : scoped(presented);
        if (c != null) noteUse(c.name());
        return c;
    }

    /** Why scoped tokens are refused now (the file is unreadable), or null. */
    synchronized String unreadable() {
        return unreadable;
    }

    /**
     * Whether the token {@code name} with hash {@code sha256} is still this node's: false once revoked (or made again,
     * another token under the same name), and while the file cannot be read, as for a request.
     */
    synchronized boolean holds(String name, String sha256) {
        if (ApiTokens.NODE.equals(name)) return node.hashed().equals(sha256);
        reload();
        return tokens.stream().anyMatch(e -> e.name().equals(name) && e.sha256().equals(sha256));
    }

    private Caller scoped(String presented) {
        reload();
        byte[] hash = ApiTokens.sha256(presented).getBytes(StandardCharsets.US_ASCII);
        Caller found = null;
        // every entry compared, in constant time each: the time taken says nothing of which hash came close
        for (ApiTokens.Entry e : tokens) {
            if (MessageDigest.isEqual(hash, e.sha256().getBytes(StandardCharsets.US_ASCII))) found = new Caller(e.name(), e.scope(), e.sha256());
        }
        return found;
    }

    private void reload() {
        Path f = ApiTokens.file(stateDir);
        Object now;
        try {
            BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
            now = List.of(Objects.toString(a.fileKey()), a.size(), a.lastModifiedTime());
        } catch (NoSuchFileException e) {
            now = null;
        } catch (IOException e) {
            now = e.toString();
        }
        if (Objects.equals(now, seen) && (seen != null || tokens.isEmpty())) return;
        seen = now;
        try {
            tokens = ApiTokens.read(stateDir);
            unreadable = null;
        } catch (RuntimeException e) {
            tokens = List.of();
            unreadable = e.getMessage();
        }
    }

    private void noteUse(String name) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant last = used.get(name);
        if (last != null && last.plus(NOTE_EVERY).isAfter(now)) return;
        used.put(name, now);
        try {
            ApiTokens.writeLastUsed(stateDir, used);
        } catch (RuntimeException e) {
            // a note only: the request goes on
        }
    }
}
