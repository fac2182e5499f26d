package zed.reconciler.jail;

import zed.config.LevelSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * One jail as a driver needs it: the jail block, where its root is on the host, and where each of its mount blocks
 * comes from. Built and checked before any driver runs a command, so a bad path is refused, never half-applied.
 *
 * @param root   the jail dataset's mountpoint on the host: the jail's "/"
 * @param mounts the mount blocks with their host directories, parents before children (sorted by path)
 */
public record JailSetup(LevelSpec.JailSpec spec, Path root, List<HostMount> mounts) {
    public enum Mode {
        RW, RO;

        /** The Zedfile's word: "rw" or "ro". */
        public static Mode of(String word) {
            return switch (word == null ? "rw" : word) {
                case "rw" -> RW;
                case "ro" -> RO;
                default -> throw new IllegalArgumentException("a mount mode is \"rw\" or \"ro\", not \"" + word + "\"");
            };
        }

        public String word() {
            return this == RW ? "rw" : "ro";
        }
    }

    /**
     * One mount block, resolved.
     *
     * @param path where it appears inside the jail (absolute, normalised)
     * @param host the directory on the host (its dataset's mountpoint)
     */
    public record HostMount(String path, Path host, Mode mode) {
        public HostMount {
            Objects.requireNonNull(path);
            Objects.requireNonNull(host);
            Objects.requireNonNull(mode);
        }
    }

    public JailSetup {
        Objects.requireNonNull(spec);
        String name = JailNames.check(spec.name());
        Objects.requireNonNull(root, "root");
        checkPath(name, "the jail root", root.toString());
        List<HostMount> sorted = new ArrayList<>(mounts);
        sorted.sort(Comparator.comparing(HostMount::path));
        Set<String> seen = new HashSet<>();
        for (HostMount m : sorted) {
            checkPath(name, "mount \"" + m.path() + "\"", m.path());
            if (m.path().equals("/")) throw new JailError(name, JailError.Kind.INVALID, "mount \"/\": the jail's root is its dataset; mount below it");
            checkPath(name, "the host directory of mount \"" + m.path() + "\"", m.host().toString());
            if (!seen.add(m.path())) throw new JailError(name, JailError.Kind.INVALID, "mount \"" + m.path() + "\" is declared twice");
        }
        mounts = List.copyOf(sorted);
    }

    public String name() {
        return spec.name();
    }

    /** The hostname the jail gets: the declared one, else the jail's name. */
    public String hostname() {
        return spec.hostname() == null || spec.hostname().isBlank() ? spec.name() : spec.hostname();
    }

    /** Resolves a jail block with a lookup from dataset name (as declared in the level) to its mountpoint on the host. */
    public static JailSetup of(LevelSpec.JailSpec jail, Function<String, Path> mountpointOf) {
        JailNames.check(jail.name());
        Path root = mountpoint(jail, jail.dataset(), mountpointOf);
        List<HostMount> ms = new ArrayList<>();
        for (LevelSpec.Mount m : jail.mounts()) {
            Mode mode;
            try {
                mode = Mode.of(m.mode());
            } catch (IllegalArgumentException e) {
                throw new JailError(jail.name(), JailError.Kind.INVALID, "mount \"" + m.path() + "\": " + e.getMessage());
            }
            ms.add(new HostMount(m.path(), mountpoint(jail, m.dataset(), mountpointOf), mode));
        }
        return new JailSetup(jail, root, ms);
    }

    /** Resolves a jail block against its level: every dataset at the mountpoint the level resolved for it. */
    public static JailSetup of(LevelSpec level, LevelSpec.JailSpec jail) {
        return of(jail, ds -> {
            LevelSpec.DatasetSpec d = level.dataset(ds);
            if (d == null) throw new JailError(jail.name(), JailError.Kind.INVALID, "dataset \"" + ds + "\" is not declared in level " + level.id());
            return d.mountpoint() == null ? null : Path.of(d.mountpoint());
        });
    }

    private static Path mountpoint(LevelSpec.JailSpec jail, String dataset, Function<String, Path> mountpointOf) {
        Path p = mountpointOf.apply(dataset);
        if (p == null || p.toString().equals("none") || p.toString().equals("legacy")) {
            throw new JailError(jail.name(), JailError.Kind.MISSING, "dataset \"" + dataset + "\" has no mountpoint");
        }
        return p;
    }

    /**
     * Paths end up in argv lists, jail.conf strings and fstab lines (split at white space), so only absolute,
     * normalised paths without white space or control characters pass.
     */
    private static void checkPath(String jail, String what, String path) {
        boolean ok = path.startsWith("/") && Path.of(path).normalize().toString().equals(path)
                && path.codePoints().noneMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c));
        if (!ok) {
            throw new JailError(jail, JailError.Kind.INVALID, what + ": \"" + path + "\" must be an absolute, normalised path without spaces");
        }
    }
}
