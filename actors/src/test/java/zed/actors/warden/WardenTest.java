package zed.actors.warden;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.actors.StampedServices;
import zed.reconciler.process.Spawn;
import zed.reconciler.store.ZfsStore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code zed warden} as real processes over a ZED_HOME, on a zfs-fuse test pool with real services stamped as a node
 * stamps them: a heartbeat that stops stops the service of the level with a standby after the wait (and no other),
 * and the warden records it and goes; an agent started again within the wait keeps it waiting; a clean exit's mark
 * sends it away with nothing stopped; a second one for the same home goes at once.
 */
class WardenTest {
    static final Duration AFTER = Duration.ofSeconds(2);

    @TempDir
    Path home;
    StampedServices services;
    ZfsStore store;
    String root;
    Process web;
    Process notes;
    final List<Long> wardens = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        services = StampedServices.start();
        store = services.store;
        root = services.root;
        web = services.web;
        notes = services.notes;
        services.running(root + "/data", "web", web);
        services.running(root + "/notes", "notes", notes);
    }

    @AfterEach
    void tearDown() {
        for (long pid : wardens) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        if (services != null) services.close();
    }

    @Test
    void aSilentHeartbeatStopsTheServicesOfTheLevelsWithAStandbyAfterTheWaitAndTheNextAgentReadsIt() throws Exception {
        WardenFiles files = WardenFiles.of(home);
        Heartbeat beat = Heartbeat.start(files);
        beat.follow(() -> new StandbyLevels(root, Set.of("web")));
        Spawn.Spawned warden = warden();
        awaitTrue(() -> Files.exists(files.levels()), Duration.ofSeconds(10), "the agent tells the warden its levels with a standby");
        // beating: past the wait, nothing stops
        long until = System.nanoTime() + AFTER.multipliedBy(2).toNanos();
        while (System.nanoTime() < until) {
            assertTrue(web.isAlive(), "stopped while the agent beats");
            Thread.sleep(100); // a polling interval
        }
        assertTrue(ProcessHandle.of(warden.pid()).map(ProcessHandle::isAlive).orElse(false), "the warden watches on");

        beat.halt(); // as kill -9: no more beats, no mark
        long silentFrom = System.nanoTime();
        awaitTrue(() -> !web.isAlive(), Duration.ofSeconds(60), "the service of the level with a standby stops");
        Duration took = Duration.ofNanos(System.nanoTime() - silentFrom);
        assertTrue(took.compareTo(AFTER.minusSeconds(1)) >= 0, "not before the heartbeat was silent for the wait (less the beat's second): " + took);
        assertTrue(notes.isAlive(), "a level without a standby runs on");
        // the stamp goes just after the process (ServiceSupervisor.stop), so it is awaited, not read at once (CI saw it still there)
        awaitTrue(() -> store.zedState(root + "/data").get("com.zed:pid") == null, Duration.ofSeconds(10), "its process stamp is gone");
        assertEquals(String.valueOf(notes.pid()), store.zedState(root + "/notes").get("com.zed:pid"));
        assertEquals(0, (int) warden.exit().get(30, java.util.concurrent.TimeUnit.SECONDS), "the warden goes once it has stood down");

        String log = Files.readString(files.log());
        assertTrue(log.contains("stopped the service on " + root + "/data (level web, which has a standby)"), log);
        List<String> record = WardenLaunch.lastStandDown(files);
        assertTrue(record.get(0).startsWith("found the agent's heartbeat silent for"), record.toString());
        assertEquals("stopped the service on " + root + "/data (level web, which has a standby)", record.get(1), record.toString());
        assertFalse(Files.exists(files.stoodDown()), "read once");
        assertEquals(List.of(), WardenLaunch.lastStandDown(files));
    }

    @Test
    void anAgentStartedAgainBeforeTheWaitKeepsTheDeadOnesWardenWaitingAndIsWatchedByIt() throws Exception {
        WardenFiles files = WardenFiles.of(home);
        Heartbeat dead = Heartbeat.start(files);
        dead.follow(() -> new StandbyLevels(root, Set.of("web")));
        Spawn.Spawned warden = warden();
        awaitTrue(() -> lockedBy(files, warden.pid()) && Files.exists(files.levels()), Duration.ofSeconds(30), "the warden watches");
        dead.halt(); // killed; a supervisor starts the agent again within the wait
        Heartbeat again = Heartbeat.start(files);
        assertTrue(WardenLaunch.ensure(home, AFTER).startsWith("a warden already watches"), "the new agent starts no second warden");
        long until = System.nanoTime() + AFTER.multipliedBy(2).toNanos();
        while (System.nanoTime() < until) {
            assertTrue(web.isAlive(), "stopped while the new agent beats");
            Thread.sleep(100); // a polling interval
        }
        again.stopped();
        assertEquals(0, (int) warden.exit().get(30, java.util.concurrent.TimeUnit.SECONDS), "the new agent's clean exit sends it away");
        assertTrue(web.isAlive(), "adopted, never stopped");
        assertFalse(Files.exists(files.stoodDown()));
    }

    @Test
    void aCleanExitsMarkSendsTheWardenAwayWithNothingStopped() throws Exception {
        WardenFiles files = WardenFiles.of(home);
        Heartbeat beat = Heartbeat.start(files);
        beat.follow(() -> new StandbyLevels(root, Set.of("web")));
        Spawn.Spawned warden = warden();
        awaitTrue(() -> lockedBy(files, warden.pid()), Duration.ofSeconds(30), "the warden watches");
        beat.stopped();
        assertEquals(0, (int) warden.exit().get(30, java.util.concurrent.TimeUnit.SECONDS), "the warden goes");
        assertTrue(Files.readString(files.log()).contains("the agent stopped cleanly"), Files.readString(files.log()));
        assertTrue(web.isAlive(), "the services run on");
        assertEquals(String.valueOf(web.pid()), store.zedState(root + "/data").get("com.zed:pid"));
        assertFalse(Files.exists(files.stoodDown()));

        // the next agent takes the mark away at its start
        Heartbeat again = Heartbeat.start(files);
        assertFalse(Files.exists(files.stopped()));
        again.halt();
    }

    @Test
    void aSecondWardenForTheSameHomeGoesAtOnceAndTheAgentStartsNone() throws Exception {
        WardenFiles files = WardenFiles.of(home);
        Heartbeat beat = Heartbeat.start(files);
        Spawn.Spawned first = warden();
        awaitTrue(() -> lockedBy(files, first.pid()), Duration.ofSeconds(30), "the first warden watches");
        Spawn.Spawned second = warden();
        assertEquals(0, (int) second.exit().get(30, java.util.concurrent.TimeUnit.SECONDS), "the second goes at once");
        assertTrue(Files.readString(files.log()).contains("a warden already watches"), Files.readString(files.log()));
        assertTrue(WardenLaunch.ensure(home, AFTER).startsWith("a warden already watches " + files.dir() + " (pid " + first.pid() + ")"));
        assertTrue(ProcessHandle.of(first.pid()).map(ProcessHandle::isAlive).orElse(false), "the first watches on");
        beat.stopped();
        assertEquals(0, (int) first.exit().get(30, java.util.concurrent.TimeUnit.SECONDS));
    }

    @Test
    void withAnOpsSocketTheStandDownGoesThroughZedOpsWhichRefusesADatasetOutsideItsRoots() throws Exception {
        // ops manages another dataset than the levels': a warden that asked zfs itself would stop web; through ops it is refused
        try (zed.reconciler.ops.OpsServer ops = new zed.reconciler.ops.OpsServer(home.resolve("run/ops.sock"), null, Set.of(),
                new zed.reconciler.ops.OpsRules(List.of(root + "-elsewhere"), List.of()), new zed.reconciler.ops.AuditLog(home.resolve("ops-audit.log")),
                p -> ZfsStore.probe(new zed.reconciler.store.ProcessCommand(), p))) {
            ops.start();
            WardenFiles files = WardenFiles.of(home);
            Heartbeat beat = Heartbeat.start(files);
            beat.follow(() -> new StandbyLevels(root, Set.of("web")));
            Spawn.Spawned p = WardenLaunch.spawn(home, AFTER, ops.socket());
            wardens.add(p.pid());
            awaitTrue(() -> Files.exists(files.levels()), Duration.ofSeconds(10), "the agent tells the warden its levels with a standby");
            beat.halt();
            assertEquals(0, (int) p.exit().get(60, java.util.concurrent.TimeUnit.SECONDS), "the warden stands down and goes");
            List<String> record = WardenLaunch.lastStandDown(files);
            assertTrue(record.get(1).startsWith("could not stop the services of the levels with a standby") && record.get(1).contains("refused by zed ops"),
                    record.toString());
            assertTrue(web.isAlive(), "nothing ran around ops");
            assertTrue(Files.readString(home.resolve("ops-audit.log")).contains("outside the managed roots"), "the refusal is audited");
        }
    }

    private Spawn.Spawned warden() throws Exception {
        Spawn.Spawned p = WardenLaunch.spawn(home, AFTER);
        wardens.add(p.pid());
        return p;
    }

    private static boolean lockedBy(WardenFiles files, long pid) {
        try {
            return Files.readString(files.lock()).strip().equals(String.valueOf(pid));
        } catch (java.io.IOException notYet) {
            return false;
        }
    }

    private static void awaitTrue(BooleanSupplier ok, Duration within, String what) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!ok.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError(what + ": not within " + within.toSeconds() + " s");
            Thread.sleep(100); // polling interval of a deadline wait
        }
    }
}
