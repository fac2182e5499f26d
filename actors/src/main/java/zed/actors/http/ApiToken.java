package zed.actors.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The bearer token that an API bound beyond loopback requires: generated once into the state directory, mode 0600,
 * where the CLI reads it. Compared in constant time.
 */
public final class ApiToken {
    private final String token;

    private ApiToken(String token) {
        this.token = token;
    }

    public static Path file(Path stateDir) {
        return stateDir.resolve("api-token");
    }

    public static ApiToken ensure(Path stateDir) {
        Path f = file(stateDir);
        try {
            if (Files.isRegularFile(f)) return new ApiToken(Files.readString(f).strip());
            Files.createDirectories(stateDir);
            byte[] b = new byte[32];
            new SecureRandom().nextBytes(b);
            String t = HexFormat.of().formatHex(b);
            Path tmp = Files.createTempFile(stateDir, "api-token", ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, t + "\n");
            Files.move(tmp, f, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return new ApiToken(t);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the API token in " + stateDir, e);
        }
    }

    public boolean accepts(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) return false;
        return MessageDigest.isEqual(token.getBytes(), authorization.substring(7).strip().getBytes());
    }
}
