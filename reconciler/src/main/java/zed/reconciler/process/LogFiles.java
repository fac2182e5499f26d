package zed.reconciler.process;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A service writes its stdout and stderr straight into files (opened for append), never into a pipe to Zed, so it
 * outlives the node. Rotation is copy-then-truncate: the service keeps writing to the same open file, which the
 * append mode keeps correct after the truncation.
 */
public final class LogFiles {
    private LogFiles() {
    }

    public static Path stdout(Path dir) {
        return dir.resolve("stdout.log");
    }

    public static Path stderr(Path dir) {
        return dir.resolve("stderr.log");
    }

    /** Rotates {@code log} when it is larger than {@code cap} bytes, keeping {@code keep} old files (.1 newest). */
    public static boolean rotate(Path log, long cap, int keep) throws IOException {
        if (!Files.exists(log) || Files.size(log) <= cap) return false;
        for (int i = keep - 1; i >= 1; i--) {
            Path from = log.resolveSibling(log.getFileName() + "." + i);
            if (Files.exists(from)) Files.move(from, log.resolveSibling(log.getFileName() + "." + (i + 1)), StandardCopyOption.REPLACE_EXISTING);
        }
        // its mode and owner with it: a log may hold what a service prints about its secrets (0600), or be ops's (0640, the agent's group)
        Files.copy(log, log.resolveSibling(log.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES,
                java.nio.file.LinkOption.NOFOLLOW_LINKS);
        try (FileChannel ch = FileChannel.open(log, StandardOpenOption.WRITE)) {
            ch.truncate(0);
        }
        return true;
    }
}
