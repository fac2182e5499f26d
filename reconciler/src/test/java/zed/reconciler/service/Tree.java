package zed.reconciler.service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** What is on disk, as {@code find} would list it: the tests' view of "nothing left behind". */
final class Tree {
    private Tree() {
    }

    /** Every file, directory and link below {@code root} (not following links), relative, sorted; directories end in "/". */
    static List<String> entries(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(p -> !p.equals(root))
                    .map(p -> root.relativize(p) + (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "/" : ""))
                    .sorted().toList();
        }
    }

    /** The file's identity (device and inode): a file written again is a new one, whatever its timestamps say. */
    static Object identity(Path p) throws IOException {
        return Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    }
}
