package zed.config.eval;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Where a level's things live on the host: one rule, shared by the evaluator, the node and the command line. */
public final class LevelPlaces {
    private LevelPlaces() {
    }

    /** {@code fs::hash()}: first 16 hex of sha256 of the level's directory (absolute path). */
    public static String hash(Path dir) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(dir.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code fs::state()}: {@code $ZED_HOME/state/<level name>-<fs::hash()>}. */
    public static Path state(Path zedHome, String levelName, Path dir) {
        return zedHome.resolve("state").resolve(levelName + "-" + hash(dir));
    }
}
