package zed.chaos.fault;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * What a pool holds, read as an operator would ({@code zfs get}, {@code zfs list}, a file under a mountpoint), and
 * the waits on it: a replica that arrives, a property a node sets. Shared by the cluster scenarios (chaos/src/test)
 * and the benchmarks, which cannot call test code.
 */
public final class PoolReads {
    /** How often a wait reads again. */
    static final Duration POLL = Duration.ofMillis(200);

    private PoolReads() {
    }

    /** {@code zfs get -Hpo value PROPERTY DATASET}: {@code -} when it is not set; an exception with what zfs said. */
    public static String property(String dataset, String property) throws IOException, InterruptedException {
        return HostFacts.zfs("get", "-Hpo", "value", property, dataset).strip();
    }

    /** The property's value, or what zfs said instead (the dataset is not there yet, say): to poll, or to show in a failure. */
    public static String propertyOrWhy(String dataset, String property) {
        try {
            return property(dataset, property);
        } catch (IOException e) {
            return "(zfs get failed: " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(interrupted)";
        }
    }

    /** {@code root} and every dataset under it. */
    public static List<String> datasets(String root) throws IOException, InterruptedException {
        return List.of(HostFacts.zfs("list", "-Hro", "name", root).strip().split("\n"));
    }

    /** The names (after the {@code @}) of the dataset's own snapshots, oldest first. */
    public static List<String> snapshots(String dataset) throws IOException, InterruptedException {
        String out = HostFacts.zfs("list", "-H", "-t", "snapshot", "-o", "name", "-s", "createtxg", "-d", "1", dataset).strip();
        return out.isEmpty() ? List.of() : java.util.Arrays.stream(out.split("\n")).map(n -> n.substring(n.indexOf('@') + 1)).toList();
    }

    public static Path mountpoint(String dataset) throws IOException, InterruptedException {
        return Path.of(property(dataset, "mountpoint"));
    }

    /** Whether a process works in {@code dir} or under it (a service runs in its dataset's mountpoint). */
    public static boolean processIn(Path dir) {
        return ProcessHandle.allProcesses().anyMatch(h -> workingIn(h, dir));
    }

    /** Whether the process works in {@code dir} or under it; false once it is gone. */
    public static boolean workingIn(ProcessHandle h, Path dir) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", Long.toString(h.pid()), "cwd")).startsWith(dir);
        } catch (IOException gone) {
            return false;
        }
    }

    /** The text of the file {@code name} at the top of the dataset; null while either is not there. */
    public static String file(String dataset, String name) {
        try {
            Path f = mountpoint(dataset).resolve(name);
            return Files.exists(f) ? Files.readString(f) : null;
        } catch (IOException notYet) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Reads until {@code read} gives {@code want} or {@code within} has passed; the last value read, either way. */
    public static String await(Supplier<String> read, String want, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        String last = read.get();
        while (!want.equals(last) && System.nanoTime() < deadline) {
            Thread.sleep(POLL.toMillis()); // polling interval of a deadline wait
            last = read.get();
        }
        return last;
    }

    /** @throws IllegalStateException when the property is not {@code want} within the time, with what it was */
    public static void awaitProperty(String dataset, String property, String want, Duration within) throws InterruptedException {
        String last = await(() -> propertyOrWhy(dataset, property), want, within);
        if (!want.equals(last)) throw new IllegalStateException(dataset + " " + property + " is " + last + ", not " + want + " after " + within.toSeconds() + " s");
    }

    /** @throws IllegalStateException when the file does not hold {@code want} within the time */
    public static void awaitFile(String dataset, String name, String want, Duration within) throws InterruptedException {
        String last = await(() -> file(dataset, name), want, within);
        if (!want.equals(last)) throw new IllegalStateException(dataset + " did not get " + want + " in " + name + " within " + within.toSeconds() + " s (it holds " + last + ")");
    }
}
