package zed.reconciler.service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/** Release archives made the way an operator makes them: a directory tree, packed by tar. */
final class ReleaseArchives {
    private ReleaseArchives() {
    }

    /**
     * A tree shaped like a mix release: {@code bin/<app>} (a script that says which build it is and what it was
     * asked to do), {@code lib/<app>/VERSION}, and {@code releases/<version>/start.boot}.
     */
    static Path tree(Path dir, String app, String version, String build) throws IOException {
        Path root = Files.createTempDirectory(dir, "tree-");
        Path bin = Files.createDirectories(root.resolve("bin")).resolve(app);
        Files.writeString(bin, "#!/bin/sh\necho \"" + app + " " + version + " (" + build + ") $*\"\n");
        Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(Files.createDirectories(root.resolve("lib").resolve(app)).resolve("VERSION"), version + "\n");
        Files.writeString(Files.createDirectories(root.resolve("releases").resolve(version)).resolve("start.boot"), "boot\n");
        return root;
    }

    static Path make(Path dir, String app, String version, String build) throws IOException {
        return pack(tree(dir, app, version, build), dir.resolve(app + "-" + version + ".tar.gz"));
    }

    /** {@code tar -czf archive -C tree . extra...}: extra names are stored as written ({@code -P}), "../x" and "/x" included. */
    static Path pack(Path tree, Path archive, String... extra) {
        List<String> argv = new ArrayList<>(List.of("tar", "-czPf", archive.toString(), "-C", tree.toString(), "."));
        argv.addAll(List.of(extra));
        Processes.ok(tree, argv.toArray(String[]::new));
        return archive;
    }
}
