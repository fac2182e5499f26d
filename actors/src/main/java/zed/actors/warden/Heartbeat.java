package zed.actors.warden;

import zed.reconciler.store.TextFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The agent's side of its warden: every second, from a thread of its own (no actor, no dispatcher, so that a busy node
 * still beats), the modification time of {@code alive} is set (no data written: a full disk does not silence it),
 * and {@code standby-levels} is written again when the levels with a standby change. At a clean exit, {@link #stopped}
 * marks it, and the warden goes without stopping anything.
 */
public final class Heartbeat {
    private static final long EVERY_MS = 1000;

    private final WardenFiles files;
    private final AtomicBoolean beating = new AtomicBoolean(true);
    private final AtomicBoolean leftToWarden = new AtomicBoolean();
    private volatile Supplier<StandbyLevels> levels;
    private StandbyLevels written;
    /** The levels of the last agent's file, and those this one has had with a standby: see {@link StandbyLevels#after}. */
    private java.util.Set<String> inherited = java.util.Set.of();
    private final java.util.Set<String> seen = new java.util.HashSet<>();
    private boolean failing;

    private Heartbeat(WardenFiles files) {
        this.files = files;
    }

    /**
     * Starts beating at once, before the node is up, so that a warden left by an agent that died keeps waiting while
     * this one starts. A {@code stopped} mark left by a clean exit goes first.
     */
    public static Heartbeat start(WardenFiles files) throws IOException {
        Files.createDirectories(files.dir());
        Files.deleteIfExists(files.stopped());
        Heartbeat h = new Heartbeat(files);
        h.beat();
        Thread t = new Thread(h::run, "zed-heartbeat");
        t.setDaemon(true);
        t.start();
        return h;
    }

    /**
     * From now on the levels with a standby come from {@code now} (until the node is up the file is left as the last
     * agent wrote it, and its levels stay in it until this node has woken them: see {@link StandbyLevels#after}). And a clean exit marks itself
     * {@code stopped}: a JVM shutdown hook, since SIGTERM ends the JVM with no return from the agent's main; an agent
     * downed by the cluster reaches it only after it has stood down.
     */
    public void follow(Supplier<StandbyLevels> now) {
        synchronized (this) {
            try {
                if (Files.exists(files.levels())) inherited = StandbyLevels.parse(Files.readString(files.levels())).levels();
            } catch (IOException e) {
                System.err.println("zed agent: cannot read " + files.levels() + " (" + e.getMessage() + "): it is written again from this node's levels");
            }
        }
        this.levels = now;
        Runtime.getRuntime().addShutdownHook(new Thread(this::stopped, "zed-heartbeat-stopped"));
    }

    /**
     * The agent exits with services it had to stop still running (a downed node whose stand-down failed or did not
     * end in time): no more beats and no mark, so that its warden, after the silence, tries the stand-down again.
     */
    public void leaveToWarden() {
        leftToWarden.set(true);
        beating.set(false);
    }

    /** The agent exits cleanly: no more beats, and the mark that tells the warden to go. */
    public void stopped() {
        beating.set(false);
        if (leftToWarden.get()) return;
        // a home removed meanwhile (a test's) has no warden to tell: not made again for the mark
        if (!Files.isDirectory(files.dir())) return;
        try {
            TextFiles.replace(files.stopped(), Instant.now() + "\n");
        } catch (IOException e) {
            System.err.println("zed agent: could not tell the warden that the agent stopped (" + files.stopped() + ": " + e.getMessage()
                    + "); it stops the services of the levels with a standby once the heartbeat has been silent long enough");
        }
    }

    /** No more beats and no mark: what {@code kill -9} of the agent amounts to, for tests. */
    void halt() {
        beating.set(false);
    }

    private void run() {
        while (beating.get()) {
            try {
                Thread.sleep(EVERY_MS); // the beat's period, not a wait for a condition
            } catch (InterruptedException e) {
                return;
            }
            if (beating.get()) beat();
        }
    }

    private synchronized void beat() {
        try {
            if (!Files.exists(files.alive())) Files.createFile(files.alive());
            Files.setLastModifiedTime(files.alive(), FileTime.from(Instant.now()));
            Supplier<StandbyLevels> s = levels;
            StandbyLevels now = null;
            if (s != null) {
                StandbyLevels current = s.get();
                seen.addAll(current.levels());
                now = current.after(inherited, seen);
            }
            if (now != null && !now.equals(written)) {
                TextFiles.replace(files.levels(), now.render());
                written = now;
            }
            if (failing) System.err.println("zed agent: the warden's heartbeat is written again");
            failing = false;
        } catch (IOException | RuntimeException e) {
            // once per outage: the warden stands down if this lasts, and the log says why
            if (!failing) System.err.println("zed agent: cannot write the warden's heartbeat in " + files.dir() + ": " + e.getMessage()
                    + "; if this lasts, the warden takes the agent for dead and stops the services of its levels with a standby");
            failing = true;
        }
    }
}
