package zed.reconciler.ops;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Where zed ops keeps the logs of a service it started: a directory of its own under its log root (root's, 0750,
 * the agent's group may read), named after the log directory the agent asked for. Not the agent's directory itself:
 * a process that opens a log as root in a directory the agent may write could be made to append to any file. Pure.
 */
public final class ServiceLogs {
    private ServiceLogs() {
    }

    /** The directory for the agent's {@code asked} log directory: its last parts, readable, and a hash of the whole. */
    public static Path dir(Path root, String asked) {
        Path p = Path.of(asked).normalize();
        List<String> parts = new ArrayList<>();
        for (int i = Math.max(0, p.getNameCount() - 4); i < p.getNameCount(); i++) parts.add(p.getName(i).toString().replaceAll("[^A-Za-z0-9_.-]", "_"));
        String name = String.join(".", parts).replaceAll("^\\.+", "");
        return root.resolve((name.isEmpty() ? "service" : name) + "-" + hash(asked));
    }

    private static String hash(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)), 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
