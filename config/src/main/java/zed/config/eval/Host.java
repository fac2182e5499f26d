package zed.config.eval;

import java.io.IOException;
import java.nio.file.Path;

/**
 * What evaluation may learn from, or do to, the host it runs on. The evaluator itself stays pure; the node and the
 * command line pass {@link LocalHost}, tests pass their own.
 */
public interface Host {
    /** An environment variable of the evaluating node, or null when unset. */
    String env(String name);

    byte[] readFile(Path path) throws IOException;

    /** Whether {@code port} on 127.0.0.1 may be handed out (or kept) for a service. */
    boolean portAvailable(int port);

    /** A port that is free now, other than those in {@code taken}. */
    int freePort(java.util.Set<Integer> taken);

    void createDirectories(Path dir) throws IOException;

    /** {@code $TMPDIR}, or the system's temporary directory. */
    Path tmpDir();

    /** The host's name in the cluster; "localhost" where no node says otherwise (a command line's own evaluation). */
    default String name() {
        return "localhost";
    }

    /**
     * The host {@code level} runs on ({@code host::name()} in that level's Zedfile): a level's parents may run on
     * other hosts of the cluster, and each is evaluated as its own host would. This host when the level is not known.
     */
    default String hostOf(String level) {
        return name();
    }

    /** Where the other hosts reach {@code host} ({@code service.<kind>.<name>.address} of a service there). */
    default String address(String host) {
        return "127.0.0.1";
    }

    /**
     * Why {@code path} cannot be copied from (a model's {@code source}), or null when it is a readable file or
     * directory. The real file system by default: the test hosts evaluate real trees too.
     */
    default String unreadable(Path path) {
        if (!java.nio.file.Files.exists(path)) return path + " does not exist";
        boolean dir = java.nio.file.Files.isDirectory(path);
        if (!dir && !java.nio.file.Files.isRegularFile(path)) return path + " is neither a file nor a directory";
        if (!java.nio.file.Files.isReadable(path) || dir && !java.nio.file.Files.isExecutable(path)) {
            return path + " is not readable by the node (user " + System.getProperty("user.name") + ")";
        }
        return null;
    }

    /**
     * What changes when a file or a tree under {@code path} changes: each file's path, size and modification time (not
     * its contents, which a node digests when it copies: weights are large, and a level is evaluated often).
     */
    default String stamp(Path path) {
        StringBuilder sb = new StringBuilder();
        try (java.util.stream.Stream<Path> all = java.nio.file.Files.walk(path)) {
            for (Path p : all.sorted().toList()) {
                java.nio.file.attribute.BasicFileAttributes a = java.nio.file.Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class,
                        java.nio.file.LinkOption.NOFOLLOW_LINKS);
                if (a.isDirectory()) continue;
                sb.append(path.relativize(p)).append('\0').append(a.size()).append('\0').append(a.lastModifiedTime().toMillis()).append('\n');
            }
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return "unreadable: " + e.getMessage();
        }
        return "sha256:" + LevelEvaluation.sha256Hex(sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
