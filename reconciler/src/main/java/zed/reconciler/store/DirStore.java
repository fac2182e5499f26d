package zed.reconciler.store;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import zed.config.FlatJson;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * The state store for hosts without ZFS: a dataset is a directory under a root, its properties a JSON file inside
 * it (written to a temporary file and renamed), its snapshots copies under {@code <root>/.zed-snapshots}. Same
 * contract as {@link ZfsStore}: rollback restores the data and leaves the properties alone.
 */
public final class DirStore implements Store {
    static final String PROPS = ".zed-properties.json";
    static final String SNAPSHOTS = ".zed-snapshots";
    private static final String SNAPSHOT_META = "snapshot.json";

    /** Built on first write: reading properties (all that a plan does) needs no ObjectMapper. */
    private static final class Mapper {
        static final ObjectMapper JSON = new ObjectMapper();
    }

    private final Path root;
    private final ReentrantLock lock = new ReentrantLock();

    public DirStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
        try {
            Files.createDirectories(this.root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path root() {
        return root;
    }

    @Override
    public String kind() {
        return "dir";
    }

    @Override
    public Capabilities capabilities() {
        return new Capabilities(true, true, true, false, false, false);
    }

    /** The directory of a dataset; never outside the root. */
    Path dir(String dataset) {
        Path p = root.resolve(Names.dataset(dataset)).normalize();
        if (!p.startsWith(root) || p.equals(root)) throw new StoreError(StoreError.Kind.INVALID_NAME, dataset, "is outside " + root);
        return p;
    }

    private static boolean isDataset(Path dir) {
        return Files.isRegularFile(dir.resolve(PROPS), LinkOption.NOFOLLOW_LINKS);
    }

    private Path existing(String dataset) {
        Path d = dir(dataset);
        if (!isDataset(d)) throw new StoreError(StoreError.Kind.NO_SUCH_DATASET, dataset, "dataset does not exist");
        return d;
    }

    private static Map<String, String> readProps(Path file) {
        try {
            return FlatJson.readStrings(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes to a temporary file beside the target and renames it over, so that a crash leaves old or new. */
    private static void writeAtomically(Path file, Object value) {
        try {
            Path tmp = Files.createTempFile(file.getParent(), ".zed-", ".tmp");
            try {
                Mapper.JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), value);
                try {
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw io(file.toString(), e);
        }
    }

    private static StoreError io(String subject, IOException e) {
        String m = String.valueOf(e.getMessage());
        StoreError.Kind k = m.contains("No space left") || m.contains("quota") ? StoreError.Kind.NO_SPACE
                : e instanceof java.nio.file.AccessDeniedException ? StoreError.Kind.PERMISSION
                : e instanceof NoSuchFileException ? StoreError.Kind.NO_SUCH_DATASET : StoreError.Kind.OTHER;
        return new StoreError(k, subject, e.getClass().getSimpleName() + ": " + m);
    }

    @Override
    public Map<String, Observation> observe(String rootDataset, Set<String> nativeProperties) {
        Path start = rootDataset.isEmpty() ? root : dir(rootDataset);
        Map<String, Observation> out = new TreeMap<>();
        if (!Files.isDirectory(start)) {
            if (rootDataset.isEmpty()) return out;
            throw new StoreError(StoreError.Kind.NO_SUCH_DATASET, rootDataset, "dataset does not exist");
        }
        // datasets nest directly (a dataset's parent is a dataset or the root), so only dataset directories are
        // descended into, never the data inside them
        List<Path> todo = new ArrayList<>(List.of(start));
        while (!todo.isEmpty()) {
            Path p = todo.remove(todo.size() - 1);
            if (isDataset(p)) {
                String name = root.relativize(p).toString();
                Map<String, Observation.Prop> props = new TreeMap<>();
                readProps(p.resolve(PROPS)).forEach((k, v) -> props.put(k, new Observation.Prop(v, "local")));
                props.put("mounted", new Observation.Prop("yes", "-"));
                out.put(name, new Observation(name, props));
            } else if (!p.equals(root)) {
                continue;
            }
            try (Stream<Path> s = Files.list(p)) {
                s.filter(c -> Files.isDirectory(c, LinkOption.NOFOLLOW_LINKS) && !c.getFileName().toString().startsWith(".")).forEach(todo::add);
            } catch (IOException e) {
                throw io(rootDataset, e);
            }
        }
        return out;
    }

    @Override
    public boolean exists(String dataset) {
        return isDataset(dir(dataset));
    }

    @Override
    public void create(String dataset, Map<String, String> properties) {
        Path d = dir(dataset);
        lock.lock();
        try {
            Path parent = d.getParent();
            if (!parent.equals(root) && !isDataset(parent)) throw new StoreError(StoreError.Kind.NO_SUCH_DATASET, dataset, "parent dataset does not exist");
            if (isDataset(d)) throw new StoreError(StoreError.Kind.OTHER, dataset, "dataset already exists");
            Map<String, String> props = new TreeMap<>();
            properties.forEach((k, v) -> props.put(Names.property(k), Names.value(k, v)));
            Files.createDirectories(d);
            writeAtomically(d.resolve(PROPS), props);
        } catch (IOException e) {
            throw io(dataset, e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void set(String dataset, Map<String, String> properties) {
        lock.lock();
        try {
            Path d = existing(dataset);
            Map<String, String> props = readProps(d.resolve(PROPS));
            properties.forEach((k, v) -> props.put(Names.property(k), Names.value(k, v)));
            writeAtomically(d.resolve(PROPS), props);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void inherit(String dataset, String property) {
        lock.lock();
        try {
            Path d = existing(dataset);
            Map<String, String> props = readProps(d.resolve(PROPS));
            if (props.remove(Names.property(property)) != null) writeAtomically(d.resolve(PROPS), props);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void mount(String dataset) {
        existing(dataset);
    }

    @Override
    public void destroy(String dataset) {
        lock.lock();
        try {
            Path d = existing(dataset);
            try (Stream<Path> s = Files.list(d)) {
                if (s.anyMatch(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) && isDataset(p))) {
                    throw new StoreError(StoreError.Kind.BUSY, dataset, "dataset has children");
                }
            }
            if (!snapshots(dataset).isEmpty()) throw new StoreError(StoreError.Kind.BUSY, dataset, "dataset has snapshots");
            deleteTree(d);
        } catch (IOException e) {
            throw io(dataset, e);
        } finally {
            lock.unlock();
        }
    }

    private Path snapDir(String dataset, String snap) {
        return root.resolve(SNAPSHOTS).resolve(dataset.replace("/", "%2F")).resolve(Names.snapshot(snap));
    }

    @Override
    public void snapshot(List<String> datasets, String snap, Map<String, Map<String, String>> properties) {
        Names.snapshot(snap);
        lock.lock();
        try {
            for (String d : datasets) existing(d);
            for (String d : datasets) {
                if (Files.exists(snapDir(d, snap))) throw new StoreError(StoreError.Kind.OTHER, d + "@" + snap, "dataset already exists");
            }
            long order = System.nanoTime();
            for (String d : datasets) {
                Path target = snapDir(d, snap);
                Files.createDirectories(target);
                copyData(dir(d), target.resolve("data"));
                Map<String, Object> meta = new LinkedHashMap<>();
                meta.put("order", order);
                Map<String, String> props = new TreeMap<>();
                properties.getOrDefault(d, Map.of()).forEach((k, v) -> props.put(Names.property(k), Names.value(k, v)));
                meta.put("properties", props);
                writeAtomically(target.resolve(SNAPSHOT_META), meta);
            }
        } catch (IOException e) {
            throw io(String.join(",", datasets), e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<Snapshot> snapshots(String dataset) {
        Path d = existing(dataset);
        Path dirOfSnaps = root.resolve(SNAPSHOTS).resolve(dataset.replace("/", "%2F"));
        List<Snapshot> out = new ArrayList<>();
        if (!Files.isDirectory(dirOfSnaps)) return out;
        try (Stream<Path> s = Files.list(dirOfSnaps)) {
            for (Path p : s.toList()) {
                Path meta = p.resolve(SNAPSHOT_META);
                if (!Files.isRegularFile(meta)) continue;
                Map<String, Object> m = Mapper.JSON.readValue(meta.toFile(), new TypeReference<Map<String, Object>>() {
                });
                @SuppressWarnings("unchecked")
                Map<String, String> props = (Map<String, String>) m.getOrDefault("properties", Map.of());
                Map<String, String> zed = new TreeMap<>();
                props.forEach((k, v) -> {
                    if (k.startsWith("com.zed:")) zed.put(k, v);
                });
                out.add(new Snapshot(dataset, p.getFileName().toString(), ((Number) m.get("order")).longValue(), zed));
            }
        } catch (IOException e) {
            throw io(dataset, e);
        }
        out.sort(Comparator.comparingLong(Snapshot::order).thenComparing(Snapshot::name));
        return out;
    }

    @Override
    public void destroySnapshot(String dataset, String snap) {
        lock.lock();
        try {
            Path s = snapDir(Names.dataset(dataset), snap);
            if (!Files.isDirectory(s)) throw new StoreError(StoreError.Kind.NO_SUCH_DATASET, dataset + "@" + snap, "dataset does not exist");
            deleteTree(s);
        } catch (IOException e) {
            throw io(dataset + "@" + snap, e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void rollback(String dataset, String snap) {
        lock.lock();
        try {
            Path d = existing(dataset);
            Path s = snapDir(dataset, snap);
            if (!Files.isDirectory(s)) throw new StoreError(StoreError.Kind.NO_SUCH_DATASET, dataset + "@" + snap, "dataset does not exist");
            List<Snapshot> all = snapshots(dataset);
            long order = all.stream().filter(x -> x.name().equals(snap)).findFirst().orElseThrow().order();
            // like zfs rollback -r: the newer snapshots go
            for (Snapshot x : all) if (x.order() > order) deleteTree(snapDir(dataset, x.name()));
            clearData(d);
            copyData(s.resolve("data"), d);
        } catch (IOException e) {
            throw io(dataset + "@" + snap, e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Map<String, String> zedState(String dataset) {
        Map<String, String> m = new TreeMap<>();
        readProps(existing(dataset).resolve(PROPS)).forEach((k, v) -> {
            if (k.startsWith("com.zed:")) m.put(k, v);
        });
        return m;
    }

    @Override
    public Path mountpoint(String dataset) {
        return existing(dataset);
    }

    /** Copies a dataset's own data: not its property file, not its child datasets. */
    private static void copyData(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (!dir.equals(from) && isDataset(dir)) return FileVisitResult.SKIP_SUBTREE;
                try {
                    Files.createDirectory(to.resolve(from.relativize(dir).toString()));
                } catch (FileAlreadyExistsException ignored) {
                    // the top, or a directory that is already there
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (file.getParent().equals(from) && file.getFileName().toString().equals(PROPS)) return FileVisitResult.CONTINUE;
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Removes a dataset's own data, keeping its property file and its child datasets. */
    private static void clearData(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            for (Path p : s.toList()) {
                if (p.getFileName().toString().equals(PROPS)) continue;
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) && isDataset(p)) continue;
                deleteTree(p);
            }
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) return;
        Files.walkFileTree(p, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                try {
                    Files.delete(dir);
                } catch (DirectoryNotEmptyException e) {
                    throw new IOException("cannot remove " + dir + ": not empty", e);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
