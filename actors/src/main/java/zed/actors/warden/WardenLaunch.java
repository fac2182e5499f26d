package zed.actors.warden;

import com.typesafe.config.Config;
import zed.reconciler.process.CannotStart;
import zed.reconciler.process.Spawn;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The agent's side of starting its warden, and of reading what a warden did while no agent ran. */
public final class WardenLaunch {
    private WardenLaunch() {
    }

    /**
     * How long the heartbeat may be silent before the warden stops the services of the levels with a standby: as long
     * as the cluster takes to down this host and a cut-off agent takes to down itself (it stands down then), and less
     * than the standby waits before it may start them. From the agent's death:
     * <ul>
     * <li>the others notice it: the failure detector's heartbeat interval plus its acceptable pause (1 + 3 s);
     * <li>the split-brain resolver downs it once the cluster has been stable for {@code stable-after} (7 s up to 5
     * hosts), and a cut-off node, without the lease, downs itself as soon as it hears no, at its own decision or one
     * look at the lease's row after the other side's ({@code acquire-lease-delay-for-minority} later, which Zed sets
     * to 0: the smaller side's wait for a free row is the lease's, and ends as soon as the other side holds it): the
     * warden stands down then, 11 s after the death;
     * <li>the standby may start a level of the downed host {@code down-removal-margin} after the downing (Zed's:
     * stable-after, 7 s), so not before 4 + 7 + 7 = 18 s, then fails it over and converges it.
     * </ul>
     * The slack is the margin less the minority's delay: {@code stable-after}, 7 s and more, for the last beat (up to a
     * second before the death), the warden's look (200 ms) and the service's SIGTERM (SIGKILL 3 s later). A margin
     * set below the delay ({@code -D}) shortens the wait to the margin, so that the warden never waits longer than the
     * standby. Pure.
     */
    static Duration after(Duration interval, Duration pause, Duration stableAfter, Duration minorityDelay, Duration removalMargin) {
        Duration last = minorityDelay.compareTo(removalMargin) <= 0 ? minorityDelay : removalMargin;
        return interval.plus(pause).plus(stableAfter).plus(last);
    }

    /** {@link #after} from the node's settings, {@code -D} overrides included. */
    public static Duration after(Config c) {
        Duration stable = c.getDuration("pekko.cluster.split-brain-resolver.stable-after");
        Duration margin;
        try {
            margin = c.getDuration("pekko.cluster.down-removal-margin");
        } catch (RuntimeException off) {
            margin = stable; // "off": Pekko takes stable-after
        }
        return after(c.getDuration("pekko.cluster.failure-detector.heartbeat-interval"), c.getDuration("pekko.cluster.failure-detector.acceptable-heartbeat-pause"),
                stable, c.getDuration("pekko.cluster.split-brain-resolver.lease-majority.acquire-lease-delay-for-minority"), margin);
    }

    /** What a warden recorded when it stood down for an agent that died, once: the record is removed. */
    public static List<String> lastStandDown(WardenFiles files) throws IOException {
        if (!Files.exists(files.stoodDown())) return List.of();
        List<String> lines = new ArrayList<>(Files.readAllLines(files.stoodDown()));
        lines.removeIf(String::isBlank);
        Files.delete(files.stoodDown());
        return lines;
    }

    /**
     * Starts a warden for {@code home} unless one watches it already (one whose agent died, kept waiting by this
     * agent's heartbeat, watches this one). The same java and class path as this JVM, a small heap; a process group of
     * its own ({@link Spawn}), so that a signal to the agent's group does not reach it; its output in
     * {@code warden/warden.log}.
     *
     * @return a line for the agent's log
     */
    public static String ensure(Path home, Duration after) throws IOException, CannotStart {
        return ensure(home, after, null);
    }

    /** As {@link #ensure(Path, Duration)}, the warden's fencing through zed ops at {@code opsSocket} (null: zfs itself), as the agent's is. */
    public static String ensure(Path home, Duration after, Path opsSocket) throws IOException, CannotStart {
        WardenFiles files = WardenFiles.of(home);
        Files.createDirectories(files.dir());
        try (FileChannel c = FileChannel.open(files.lock(), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock held = c.tryLock();
            if (held == null) return "a warden already watches " + files.dir() + " (pid " + Files.readString(files.lock()).strip() + ")";
            held.release();
        }
        // a warden started between this look and its own lock finds the lock held and goes
        Spawn.Spawned p = spawn(home, after, opsSocket);
        return "started the warden (pid " + p.pid() + ", log " + files.log() + "): it stops the services of the levels with a standby if this agent dies "
                + "without a word (its heartbeat silent for " + after.toMillis() / 1000.0 + " s)";
    }

    /** Spawns {@code zed warden} for {@code home}, whatever runs already, from this JVM's class path. */
    public static Spawn.Spawned spawn(Path home, Duration after) throws IOException {
        return spawn(home, after, System.getProperty("java.class.path"));
    }

    /** Spawns {@code zed warden} for {@code home}, whatever runs already, from {@code classPath} ({@link #ownCopy}). */
    static Spawn.Spawned spawn(Path home, Duration after, String classPath) throws IOException {
        return spawn(home, after, classPath, null);
    }

    /** As {@link #spawn(Path, Duration)}, standing down through zed ops at {@code opsSocket}. */
    static Spawn.Spawned spawn(Path home, Duration after, Path opsSocket) throws IOException {
        return spawn(home, after, System.getProperty("java.class.path"), opsSocket);
    }

    private static Spawn.Spawned spawn(Path home, Duration after, String classPath, Path opsSocket) throws IOException {
        WardenFiles files = WardenFiles.of(home);
        List<String> argv = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData", "-Xmx32m", "-Xss512k",
                "-cp", ownCopy(files, classPath), zed.actors.Main.class.getName(),
                "warden", "--home", home.toAbsolutePath().toString(), "--after-ms", Long.toString(after.toMillis())));
        if (opsSocket != null) argv.addAll(List.of("--ops-socket", opsSocket.toAbsolutePath().toString()));
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("ZED_HOME", home.toAbsolutePath().toString());
        return new Spawn(argv, env, null, files.log(), files.log()).start();
    }

    /**
     * What the warden runs from. bin/zed runs the agent from {@code actors/target/zed-cli.jar}, and the node's
     * classes and libraries from {@code zed.jar} beside it (its Class-Path), and rebuilds both when a source is
     * newer: Maven's shade renames the old jar to {@code original-*.jar} and the new one into place (the next build
     * renames over that original, unlinking it). A JVM keeps reading a jar it has open, but opens zed.jar only when it
     * first needs a class of it, and the warden does so only to stand down (Pekko's, through the replica code): days
     * later, perhaps, when zed.jar is a newer build, or missing between shade's renames, and the stand-down fails
     * with NoClassDefFoundError. So a warden started from a jar runs from links of its own to the very files (their
     * inodes): {@code warden/zed-cli.jar} and the jars its Class-Path names, beside it, each made under another
     * name and renamed in (a warden still running keeps those it opened). A copy where a link cannot be made (another
     * file system). A class path of directories (a build's classes, the tests') is used as it is.
     */
    static String ownCopy(WardenFiles files, String classPath) throws IOException {
        Path jar = Path.of(classPath);
        if (classPath.contains(java.io.File.pathSeparator) || !classPath.endsWith(".jar") || !Files.isRegularFile(jar)) return classPath;
        Files.createDirectories(files.dir());
        List<String> names = new ArrayList<>(List.of(jar.getFileName().toString()));
        try (java.util.jar.JarFile j = new java.util.jar.JarFile(jar.toFile())) {
            java.util.jar.Manifest m = j.getManifest();
            String cp = m == null ? null : m.getMainAttributes().getValue(java.util.jar.Attributes.Name.CLASS_PATH);
            if (cp != null) for (String entry : cp.strip().split("\\s+")) if (!entry.contains("/")) names.add(entry);
        }
        for (String name : names) {
            Path from = jar.resolveSibling(name);
            if (!Files.isRegularFile(from)) continue;
            Path tmp = files.dir().resolve("." + name + ".tmp");
            Files.deleteIfExists(tmp);
            try {
                Files.createLink(tmp, from);
            } catch (IOException | UnsupportedOperationException elsewhere) {
                Files.copy(from, tmp);
            }
            Files.move(tmp, files.dir().resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        return files.dir().resolve(jar.getFileName()).toAbsolutePath().toString();
    }
}
