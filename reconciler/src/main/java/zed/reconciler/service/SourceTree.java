package zed.reconciler.service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The revision of a local source tree ({@code src { path }}): a sha256 over every file's path, size and contents, in
 * path order. {@code .git} is left out: fetching or committing does not change what gets built.
 */
public final class SourceTree {
    private SourceTree() {
    }

    public static String hash(Path root) throws IOException {
        List<Path> entries = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                return dir.getFileName() != null && dir.getFileName().toString().equals(".git") && !dir.equals(root)
                        ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (!file.getFileName().toString().equals(".git")) entries.add(file); // a worktree's .git is a file
                return FileVisitResult.CONTINUE;
            }
        });
        entries.sort((a, b) -> root.relativize(a).toString().compareTo(root.relativize(b).toString()));
        MessageDigest md = Trees.sha256();
        for (Path p : entries) {
            String rel = root.relativize(p).toString();
            if (Files.isSymbolicLink(p)) {
                md.update((rel + "\0->" + Files.readSymbolicLink(p) + "\0").getBytes(StandardCharsets.UTF_8));
            } else if (Files.isRegularFile(p)) {
                // the size first, so that no file's end can pass for the next one's name
                md.update((rel + "\0" + Files.size(p) + "\0").getBytes(StandardCharsets.UTF_8));
                Trees.feed(md, p);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
