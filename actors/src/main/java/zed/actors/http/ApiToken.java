package zed.actors.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The bearer token every API request but {@code GET /v1/health} needs, on loopback too (the node runs as root, and any
 * process or web page on the host could otherwise drive it). Generated once into the state directory, mode 0600,
 * where the CLI reads it; a file that others can read, or that holds too short a token, is refused rather than
 * used. Compared in constant time.
 */
public final class ApiToken {
    /** The shortest token accepted: 128 bits, in hex. A generated one has 256. */
    public static final int MIN_LENGTH = 32;

    private final String token;

    private ApiToken(String token) {
        this.token = token;
    }

    public static Path file(Path stateDir) {
        return stateDir.resolve("api-token");
    }

    /** A new token: 32 random bytes, hex. */
    public static String generate() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** The node's token: the one in the state directory (checked), or a new one written there. */
    public static ApiToken ensure(Path stateDir) {
        Path f = file(stateDir);
        try {
            if (Files.exists(f)) return new ApiToken(read(f));
            Files.createDirectories(stateDir);
            String t = generate();
            Path tmp = Files.createTempFile(stateDir, "api-token", ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, t + "\n");
            Files.move(tmp, f, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return new ApiToken(t);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the API token in " + stateDir, e);
        }
    }

    /**
     * Reads a token file, as the node and the CLI do.
     *
     * @throws IllegalStateException naming the file and how to fix it: readable by others, empty or short
     */
    public static String read(Path f) throws IOException {
        String mode = OwnerOnly.breach(f);
        if (mode != null) {
            throw new IllegalStateException("the API token file " + f + " is mode " + mode
                    + ": anyone who can read it can drive this node as root; run `chmod 600 " + f + "`");
        }
        String t = Files.readString(f, StandardCharsets.UTF_8).strip();
        String flaw = flaw(t);
        if (flaw != null) {
            throw new IllegalStateException("the API token file " + f + " holds " + flaw
                    + "; a token has at least " + MIN_LENGTH + " printable characters: remove the file and the node writes a new one at its next start");
        }
        return t;
    }

    /**
     * Why {@code token} (stripped) cannot be a token, in words that never show it ("nothing", "a token of 5 characters"),
     * or null when it can: at least {@link #MIN_LENGTH} characters, printable ASCII and no spaces (it goes into a header).
     */
    public static String flaw(String token) {
        if (token.isEmpty()) return "nothing";
        if (token.length() < MIN_LENGTH) return "a token of " + token.length() + " characters";
        if (!token.chars().allMatch(c -> c > 32 && c < 127)) return "a token of " + token.length() + " characters, some of them spaces or not printable";
        return null;
    }

    /** The token's hash, as {@link ApiTokens} keeps a scoped one's: what a dashboard session remembers it by. */
    String hashed() {
        return ApiTokens.sha256(token);
    }

    public boolean accepts(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) return false;
        return MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8), authorization.substring(7).strip().getBytes(StandardCharsets.UTF_8));
    }
}
