package zed.actors.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The scoped API tokens of a node ({@code zed token}): the file {@code api-tokens} in its state directory, mode 0600,
 * one line a token: name, scope, when it was made, and the SHA-256 of the token, never the token. The node's own token
 * ({@link ApiToken}, {@code api-token}) is not here: it is the token named {@value #NODE}, scope admin.
 *
 * <p>A fast hash is enough here: a token is 256 random bits, so there is nothing to guess from its hash that a slow
 * hash (bcrypt, argon2) would protect, and the node hashes once per request. Written whole to a temporary file and
 * moved over the old one, under a lock, so that the node, which reads the file again when it changes, never sees half
 * of it, and two {@code zed token} commands at once lose neither's change. Pure but for the file.
 */
public final class ApiTokens {
    /** The name the node's own token goes by: in the audit log, in {@code zed token list}. */
    public static final String NODE = "node";
    /** What a token starts with: a secret scanner, or an operator, can tell what it is. */
    public static final String PREFIX = "zed_";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    /** A token as stored. */
    public record Entry(String name, Scope scope, Instant created, String sha256) {
    }

    private ApiTokens() {
    }

    public static Path file(Path stateDir) {
        return stateDir.resolve("api-tokens");
    }

    /** Where the node notes when each token was last used (to the minute): {@code zed token list} reads it. */
    public static Path usedFile(Path stateDir) {
        return stateDir.resolve("api-tokens-used");
    }

    /** Why {@code name} cannot name a token, or null when it can. */
    public static String badName(String name) {
        if (NODE.equals(name)) return "\"" + NODE + "\" is the node's own token (" + ApiToken.file(Path.of("$ZED_HOME")) + ")";
        if (!NAME.matcher(name).matches()) return "a token's name is 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit, not \"" + name + "\"";
        return null;
    }

    public static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The tokens in the file, none when there is no file. @throws IllegalStateException when others may read it, or a line is not a token's */
    public static List<Entry> read(Path stateDir) {
        Path f = file(stateDir);
        try {
            if (!Files.exists(f)) return List.of();
            String mode = OwnerOnly.breach(f);
            if (mode != null) {
                throw new IllegalStateException("the API tokens file " + f + " is mode " + mode + "; run `chmod 600 " + f + "`");
            }
            List<Entry> out = new ArrayList<>();
            int n = 0;
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                n++;
                if (line.isBlank()) continue;
                String[] p = line.split("\t");
                try {
                    if (p.length != 4 || badName(p[0]) != null || !p[3].matches("[0-9a-f]{64}")) throw new IllegalArgumentException("not name, scope, created, sha256");
                    out.add(new Entry(p[0], Scope.of(p[1]), Instant.parse(p[2]), p[3]));
                } catch (RuntimeException e) {
                    throw new IllegalStateException(f + ":" + n + ": not a token's line (" + e.getMessage() + ")");
                }
            }
            return List.copyOf(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f, e);
        }
    }

    /**
     * Makes a token named {@code name}: the token itself is returned, once; only its hash is kept.
     *
     * @throws IllegalArgumentException when the name is taken or not a name
     */
    public static String create(Path stateDir, String name, Scope scope, Instant now) {
        String bad = badName(name);
        if (bad != null) throw new IllegalArgumentException(bad);
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        String token = PREFIX + HexFormat.of().formatHex(b);
        locked(stateDir, () -> {
            List<Entry> all = new ArrayList<>(read(stateDir));
            if (all.stream().anyMatch(e -> e.name().equals(name))) {
                throw new IllegalArgumentException("there is a token named \"" + name + "\" already: revoke it first (zed token revoke " + name + ")");
            }
            all.add(new Entry(name, scope, now, sha256(token)));
            write(stateDir, all);
            return null;
        });
        return token;
    }

    /** Removes the token named {@code name}; false when there is none. */
    public static boolean revoke(Path stateDir, String name) {
        return locked(stateDir, () -> {
            List<Entry> all = new ArrayList<>(read(stateDir));
            boolean had = all.removeIf(e -> e.name().equals(name));
            if (had) write(stateDir, all);
            return had;
        });
    }

    /** When each token was last used, as the node noted it; empty when it noted nothing. */
    public static Map<String, Instant> lastUsed(Path stateDir) {
        Map<String, Instant> out = new LinkedHashMap<>();
        Path f = usedFile(stateDir);
        try {
            if (!Files.exists(f)) return out;
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                String[] p = line.split("\t");
                if (p.length == 2) out.put(p[0], Instant.parse(p[1]));
            }
        } catch (IOException | RuntimeException e) {
            // a note the node writes whole; unreadable, it says nothing
        }
        return out;
    }

    /** Writes the last-used notes (the node's, see {@link TokenCheck}). */
    static void writeLastUsed(Path stateDir, Map<String, Instant> used) {
        StringBuilder b = new StringBuilder();
        used.forEach((n, t) -> b.append(n).append('\t').append(t).append('\n'));
        replace(usedFile(stateDir), b.toString());
    }

    private static void write(Path stateDir, List<Entry> all) {
        StringBuilder b = new StringBuilder();
        for (Entry e : all) b.append(e.name()).append('\t').append(e.scope().word()).append('\t').append(e.created()).append('\t').append(e.sha256()).append('\n');
        replace(file(stateDir), b.toString());
    }

    private static void replace(Path f, String text) {
        OwnerOnly.replace(f, text);
    }

    private interface Change<T> {
        T apply();
    }

    private static <T> T locked(Path stateDir, Change<T> change) {
        try {
            Files.createDirectories(stateDir);
            Path lock = stateDir.resolve("api-tokens.lock");
            try (FileChannel ch = FileChannel.open(lock, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))); FileLock l = ch.lock()) {
                return change.apply();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock the API tokens in " + stateDir, e);
        }
    }
}
