package zed.reconciler.model;

import zed.reconciler.service.SourceTree;
import zed.reconciler.service.Trees;
import zed.reconciler.store.Snapshot;
import zed.reconciler.store.Store;
import zed.reconciler.store.StoreError;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Copies a model's {@code source { path }} into its dataset, once ({@link ModelCopy} decides): a file lands in the
 * dataset under its own name, a directory's contents at the dataset's top. The order makes a cut-short copy visible:
 * the snapshot of the version it replaces, then {@link ModelCopy#COPYING}, then the files, then the stamp and the
 * removal of {@link ModelCopy#COPYING}. A job starts only after this returned (the level's first converge).
 */
public final class ModelWeights {
    private ModelWeights() {
    }

    /** What was done: {@code copied} false when the dataset held this source already. */
    public record Done(String dataset, long version, boolean copied, String snapshot, String why) {
    }

    /**
     * Called once a copy is decided and before it touches the dataset (its snapshot, {@link ModelCopy#COPYING}, the
     * files): what reads the weights stops here. {@code from}: the version the dataset holds; {@code to}: the copy's.
     * What it throws stops the copy, the dataset untouched.
     */
    public interface BeforeCopy {
        BeforeCopy NONE = (from, to) -> { };

        void replacing(long from, long to);
    }

    /** @throws StoreError typed (NO_SPACE for a full pool), naming the dataset; the copy is then recorded as cut short */
    public static Done converge(Store store, String dataset, Path source) {
        return converge(store, dataset, source, BeforeCopy.NONE);
    }

    /** As {@link #converge(Store, String, Path)}, with {@code before} called before a copy begins. */
    public static Done converge(Store store, String dataset, Path source, BeforeCopy before) {
        String digest;
        try {
            digest = digest(source);
        } catch (IOException e) {
            throw new StoreError(StoreError.Kind.OTHER, dataset, "cannot read its model source " + source + ": " + e);
        }
        return converge(store, dataset, source, source.toString(), digest, Map.of(), before);
    }

    /**
     * Copies {@code files} (a file, or a directory's contents) in as the source {@code name}, unless the dataset holds
     * {@code fingerprint} already.
     *
     * @param stamp more to stamp with the copy ({@link ModelReceive#RECEIVED_AT} for a received snapshot)
     * @throws StoreError typed (NO_SPACE for a full pool), naming the dataset; the copy is then recorded as cut short
     */
    public static Done converge(Store store, String dataset, Path files, String name, String fingerprint, Map<String, String> stamp) {
        return converge(store, dataset, files, name, fingerprint, stamp, BeforeCopy.NONE);
    }

    /** As above, with {@code before} called once a copy is decided, before it touches the dataset. */
    public static Done converge(Store store, String dataset, Path files, String name, String fingerprint, Map<String, String> stamp, BeforeCopy before) {
        Path into = store.mountpoint(dataset);
        List<Path> held = held(store, dataset, into);
        Map<String, String> state = store.zedState(dataset);
        Set<String> snapshots = store.snapshots(dataset).stream().map(Snapshot::name).collect(Collectors.toSet());
        ModelCopy what = ModelCopy.decide(state, fingerprint, !held.isEmpty(), snapshots);
        if (what instanceof ModelCopy.Nothing n) return new Done(dataset, n.version(), false, null, "holds this source already");
        ModelCopy.Copy c = (ModelCopy.Copy) what;
        before.replacing(c.version() - 1, c.version());
        if (c.snapshotFirst() != null) {
            Map<String, String> kept = new LinkedHashMap<>();
            for (String k : List.of(ModelCopy.SOURCE, ModelCopy.DIGEST, ModelCopy.VERSION, ModelCopy.COPIED_AT, ModelReceive.RECEIVED_AT)) {
                if (state.get(k) != null) kept.put(k, state.get(k));
            }
            store.snapshot(List.of(dataset), c.snapshotFirst(), Map.of(dataset, kept));
        }
        store.set(dataset, Map.of(ModelCopy.COPYING, fingerprint));
        try {
            for (Path p : held) Trees.delete(p); // the version they are is in its snapshot
            copy(into, files);
        } catch (IOException e) {
            String m = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
            StoreError.Kind k = m.contains("no space") || m.contains("quota") ? StoreError.Kind.NO_SPACE : StoreError.Kind.OTHER;
            throw new StoreError(k, dataset, "copying its model source " + name + " into " + into + " stopped (" + e
                    + "); " + ModelCopy.COPYING + " records it, and the next converge copies again");
        }
        Map<String, String> stamps = new LinkedHashMap<>(stamp);
        stamps.put(ModelCopy.SOURCE, name);
        stamps.put(ModelCopy.DIGEST, fingerprint);
        stamps.put(ModelCopy.VERSION, String.valueOf(c.version()));
        stamps.put(ModelCopy.COPIED_AT, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        store.set(dataset, stamps);
        store.inherit(dataset, ModelCopy.COPYING);
        return new Done(dataset, c.version(), true, c.snapshotFirst(), c.why());
    }

    /** sha256 over the source's name and its tree (each file's path, size and contents): a rename is a change. */
    static String digest(Path source) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
        String name = Files.isDirectory(source) ? "" : source.getFileName().toString();
        md.update((name + "\0" + SourceTree.hash(source)).getBytes(StandardCharsets.UTF_8));
        return "sha256:" + HexFormat.of().formatHex(md.digest());
    }

    /**
     * What the dataset's files are: the top of its mountpoint, less the mountpoints of datasets under it (theirs, never
     * a model's to replace) and the dir store's own {@code .zed-*} files.
     */
    private static List<Path> held(Store store, String dataset, Path into) {
        Set<Path> children = new java.util.HashSet<>();
        for (String n : store.observe(dataset, Set.of("mountpoint")).keySet()) {
            if (!n.startsWith(dataset + "/")) continue;
            try {
                children.add(store.mountpoint(n).toAbsolutePath().normalize());
            } catch (StoreError unmounted) {
                // not mounted: nothing of it in this one's files
            }
        }
        try (Stream<Path> s = Files.list(into)) {
            return s.filter(p -> !p.getFileName().toString().startsWith(".zed-") && !children.contains(p.toAbsolutePath().normalize())).toList();
        } catch (IOException e) {
            throw new StoreError(StoreError.Kind.OTHER, dataset, "cannot list the model's dataset at " + into + ": " + e);
        }
    }

    private static void copy(Path into, Path source) throws IOException {
        if (!Files.isDirectory(source)) {
            Files.copy(source, into.resolve(source.getFileName().toString()), StandardCopyOption.COPY_ATTRIBUTES);
            return;
        }
        Files.walkFileTree(source, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (!dir.equals(source)) Files.copy(dir, into.resolve(source.relativize(dir).toString()), StandardCopyOption.COPY_ATTRIBUTES);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                // a link is copied as a link, never followed out of the source
                Files.copy(file, into.resolve(source.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
