package zed.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the chain of Zedfiles for a directory: the leaf is the nearest Zedfile at or above it; above it, every
 * Zedfile up to the filesystem root, and {@code $ZED_HOME/Zedfile} on top when it exists. Root first.
 */
public final class Chain {
    public static final String FILENAME = "Zedfile";

    /** One Zedfile of a chain, and the name errors use for it (relative to the working directory when below it). */
    public record Link(Path file, String display, boolean home) {
    }

    private Chain() {
    }

    /**
     * @param start a directory (the chain that ends there) or a Zedfile of any name (the leaf itself)
     * @throws ZedfileException when there is no Zedfile to be found
     */
    public static List<Link> discover(Path start, Path zedHome, Path cwd) {
        Path abs = start.toAbsolutePath().normalize();
        Path leaf;
        if (Files.isRegularFile(abs)) {
            leaf = abs;
        } else if (Files.isDirectory(abs)) {
            leaf = null;
            for (Path d = abs; d != null; d = d.getParent()) {
                if (Files.isRegularFile(d.resolve(FILENAME))) {
                    leaf = d.resolve(FILENAME);
                    break;
                }
            }
            if (leaf == null) throw new ZedfileException(new Pos(start.toString(), 0, 0), "no " + FILENAME + " in " + abs + " or any directory above it");
        } else {
            throw new ZedfileException(new Pos(start.toString(), 0, 0), "no such file or directory");
        }
        List<Path> files = new ArrayList<>();
        files.add(leaf);
        for (Path d = leaf.getParent().getParent(); d != null; d = d.getParent()) {
            Path f = d.resolve(FILENAME);
            if (Files.isRegularFile(f)) files.add(0, f);
        }
        Path home = zedHome.toAbsolutePath().normalize().resolve(FILENAME);
        List<Link> links = new ArrayList<>();
        if (Files.isRegularFile(home) && !files.contains(home)) links.add(new Link(home, display(home, cwd), true));
        for (Path f : files) links.add(new Link(f, display(f, cwd), false));
        return links;
    }

    static String display(Path file, Path cwd) {
        Path c = cwd.toAbsolutePath().normalize();
        Path rel = c.relativize(file);
        return rel.toString().startsWith("..") && rel.getNameCount() > 3 ? file.toString() : rel.toString();
    }
}
