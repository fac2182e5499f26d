package zed.actors.warden;

import zed.actors.replica.Fencing;
import zed.reconciler.process.Launcher;
import zed.reconciler.store.ProcessCommand;
import zed.reconciler.store.TextFiles;
import zed.reconciler.store.ZfsStore;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code zed warden}: a process of its own beside a clustered agent, which outlives it. When the agent's heartbeat
 * has been silent for {@code after} with no {@code stopped} mark (the agent was killed, crashed, ran out of memory),
 * it stops the services of the agent's levels that have a standby, as an agent the cluster downs does
 * ({@link Fencing#standDown}), since the cluster is about to down this host and give those levels to their standbys;
 * it writes what it stopped to {@code stood-down}, for the next agent to say, and goes. One per {@code $ZED_HOME}: a
 * second finds the lock held and goes at once.
 */
public final class Warden {
    /** How often it looks: a small part of the slack between {@code after} and the standby's start. */
    static final Duration EVERY = Duration.ofMillis(200);

    private Warden() {
    }

    /** Watches until the agent exits cleanly or dies; 0 either way (its log says which), 1 when it cannot watch. */
    public static int run(WardenFiles files, Duration after) throws InterruptedException {
        return run(files, after, null);
    }

    /** @param opsSocket the agent's zed ops socket (null: zfs in this process): the stand-down reads and stamps the pool through it */
    public static int run(WardenFiles files, Duration after, java.nio.file.Path opsSocket) throws InterruptedException {
        try {
            Files.createDirectories(files.dir());
        } catch (IOException e) {
            log("cannot use " + files.dir() + ": " + e.getMessage());
            return 1;
        }
        try (FileChannel c = FileChannel.open(files.lock(), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock lock = c.tryLock(); // released when the channel closes, or by the kernel when this process dies
            if (lock == null) {
                log("a warden already watches " + files.dir() + " (its pid is in " + files.lock() + "): this one goes");
                return 0;
            }
            c.truncate(0);
            c.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)));
            log("watching the agent of " + files.dir().getParent() + " (pid " + ProcessHandle.current().pid() + "): if its heartbeat is silent for "
                    + after.toMillis() / 1000.0 + " s, the services of its levels with a standby stop");
            Watch w = new Watch(beat(files), System.nanoTime());
            while (true) {
                Watch.Look look = w.look(beat(files), Files.exists(files.stopped()), System.nanoTime(), after);
                if (look instanceof Watch.Leave) {
                    log("the agent stopped cleanly: its services run on, and the warden goes");
                    return 0;
                }
                if (look instanceof Watch.StandDown s) {
                    standDown(files, s.silent(), opsSocket);
                    return 0;
                }
                w = ((Watch.Wait) look).next();
                Thread.sleep(EVERY.toMillis()); // the watch's period
            }
        } catch (IOException e) {
            log("cannot hold " + files.lock() + ": " + e.getMessage());
            return 1;
        }
    }

    /** The heartbeat: the modification time of {@code alive}, null without one. */
    private static FileTime beat(WardenFiles files) {
        try {
            return Files.getLastModifiedTime(files.alive());
        } catch (IOException none) {
            return null;
        }
    }

    private static void standDown(WardenFiles files, Duration silent, java.nio.file.Path opsSocket) {
        List<String> record = new ArrayList<>();
        record.add("found the agent's heartbeat silent for " + silent.toMillis() / 1000 + " s at " + Instant.now() + " and stood down for it");
        log(record.get(0));
        try {
            StandbyLevels levels = Files.exists(files.levels()) ? StandbyLevels.parse(Files.readString(files.levels())) : StandbyLevels.NONE;
            List<String> stopped = levels.pool() == null || levels.levels().isEmpty() ? List.of()
                    : Fencing.standDown(levels.pool(), levels.levels(), opsSocket != null
                    ? new zed.reconciler.ops.OpsStore(opsSocket, levels.pool()) : ZfsStore.probe(new ProcessCommand(), levels.pool()),
                            opsSocket != null ? new Launcher(new zed.reconciler.ops.OpsProcesses(opsSocket)) : new Launcher());
            for (String s : stopped) record.add("stopped " + s);
            if (stopped.isEmpty()) record.add("stopped nothing: no service of a level with a standby ran here (" + levels.levels() + ")");
        } catch (IOException | RuntimeException e) {
            record.add("could not stop the services of the levels with a standby: " + e.getMessage());
        }
        for (String line : record.subList(1, record.size())) log(line);
        try {
            TextFiles.replace(files.stoodDown(), String.join("\n", record) + "\n");
        } catch (IOException e) {
            log("could not write " + files.stoodDown() + ": " + e.getMessage());
        }
    }

    private static void log(String line) {
        System.out.println(Instant.now() + " zed warden: " + line);
        System.out.flush();
    }
}
