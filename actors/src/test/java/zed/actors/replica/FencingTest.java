package zed.actors.replica;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import zed.actors.StampedServices;
import zed.reconciler.process.Launcher;
import zed.reconciler.replica.Replicas;
import zed.reconciler.store.ZfsReplicas;
import zed.reconciler.store.ZfsStore;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A host that comes back after a failover, on a zfs-fuse test pool with real processes: the service of a level placed
 * elsewhere now stops and its dataset becomes a replica of the new host; its own levels, levels the table does not
 * know and datasets that are replicas already are left as they are.
 */
class FencingTest {
    StampedServices services;
    ZfsStore store;
    String root;
    Process web;
    Process notes;

    @BeforeEach
    void setUp() throws Exception {
        services = StampedServices.start();
        store = services.store;
        root = services.root;
        web = services.web;
        notes = services.notes;
    }

    @AfterEach
    void tearDown() {
        if (services != null) services.close();
    }

    @Test
    void aLevelThatFailedOverStopsHereAndItsDatasetBecomesTheNewHostsReplica() throws Exception {
        services.running(root + "/data", "web", web);
        store.create(root + "/data/logs", Map.of("com.zed:managed", "true", "com.zed:level", "web"));
        services.running(root + "/notes", "notes", notes);
        store.create(root + "/old", Map.of("com.zed:managed", "true", "com.zed:level", "gone"));
        store.create(root + "/shop", Map.of("com.zed:managed", "true", "com.zed:level", "shop", Replicas.REPLICA_OF, "h3"));

        List<String> fenced = Fencing.run("h2", root, Map.of("web", "h1", "notes", "h2", "shop", "h1"), store,
                new ZfsReplicas(store, Duration.ofMinutes(1)), new Launcher());

        assertEquals(2, fenced.size(), fenced.toString());
        assertTrue(web.waitFor(30, TimeUnit.SECONDS), "web's service stopped here");
        assertEquals("h1", store.zedState(root + "/data").get(Replicas.REPLICA_OF), "a replica of the host web runs on now");
        assertNull(store.zedState(root + "/data").get("com.zed:pid"), "no process stamp left");
        assertEquals("h1", store.zedState(root + "/data/logs").get(Replicas.REPLICA_OF), "a child dataset too");
        assertTrue(notes.isAlive(), "a level placed here runs on");
        assertEquals(String.valueOf(notes.pid()), store.zedState(root + "/notes").get("com.zed:pid"));
        assertNull(store.zedState(root + "/notes").get(Replicas.REPLICA_OF));
        assertFalse(store.zedState(root + "/old").containsKey(Replicas.REPLICA_OF), "a level the table does not know is not touched");
        assertEquals("h3", store.zedState(root + "/shop").get(Replicas.REPLICA_OF), "a replica already is left as it is");
    }

    @Test
    void aDownedNodeStopsTheServicesOfItsLevelsWithAStandbyAndNoOthers() throws Exception {
        services.running(root + "/data", "web", web);
        services.running(root + "/notes", "notes", notes);

        List<String> stopped = Fencing.standDown(root, java.util.Set.of("web"), store, new Launcher());

        assertEquals(1, stopped.size(), stopped.toString());
        assertTrue(web.waitFor(30, TimeUnit.SECONDS), "web has a standby: its service stopped");
        assertNull(store.zedState(root + "/data").get("com.zed:pid"));
        assertNull(store.zedState(root + "/data").get(Replicas.REPLICA_OF), "its data stays its own: nothing failed over yet");
        assertTrue(notes.isAlive(), "notes has none: it runs on");
    }

    @Test
    void aDownedNodeStopsAllItsStandbyServicesAtOnceEvenWhenTheyIgnoreSigterm(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        // two services that note when SIGTERM came and ignore it, so each takes the whole grace until SIGKILL
        Process a = stubborn(dir.resolve("a")), b = stubborn(dir.resolve("b"));
        try {
            services.running(root + "/a", "web", a);
            services.running(root + "/b", "api", b);

            List<String> stopped = Fencing.standDown(root, java.util.Set.of("web", "api"), store, new Launcher());

            assertEquals(2, stopped.size(), stopped.toString());
            assertTrue(a.waitFor(30, TimeUnit.SECONDS) && b.waitFor(30, TimeUnit.SECONDS), "both stopped");
            long termA = Long.parseLong(java.nio.file.Files.readString(dir.resolve("a")).trim());
            long termB = Long.parseLong(java.nio.file.Files.readString(dir.resolve("b")).trim());
            // one after the other, the second SIGTERM would come a whole grace after the first
            assertTrue(Math.abs(termA - termB) < Fencing.STAND_DOWN_GRACE.toNanos() / 2,
                    "both asked to stop at once, not one grace apart: " + Math.abs(termA - termB) / 1_000_000 + " ms");
        } finally {
            a.destroyForcibly();
            b.destroyForcibly();
        }
    }

    @Test
    void aJobsProcessStopsTooWhenItsLevelFailedOverOrItsNodeIsDowned() throws Exception {
        // a job's stamps are its own (com.zed:job.*): a replica's receive strips them, so fencing stops the process first
        Process train = StampedServices.service(), other = StampedServices.service();
        try {
            store.create(root + "/run", Map.of("com.zed:managed", "true", "com.zed:level", "gpu", "com.zed:job.state", "running",
                    "com.zed:job.pid", String.valueOf(train.pid()), "com.zed:job.started_at", zed.reconciler.process.StartTime.of(train.pid()).orElseThrow()));
            store.create(root + "/run2", Map.of("com.zed:managed", "true", "com.zed:level", "gpu2", "com.zed:job.state", "running",
                    "com.zed:job.pid", String.valueOf(other.pid()), "com.zed:job.started_at", zed.reconciler.process.StartTime.of(other.pid()).orElseThrow()));

            List<String> stopped = Fencing.standDown(root, java.util.Set.of("gpu2"), store, new Launcher());
            assertEquals(List.of("the job on " + root + "/run2 (level gpu2, which has a standby)"), stopped);
            assertTrue(other.waitFor(30, TimeUnit.SECONDS), "a downed node's job of a level with a standby stopped");
            assertTrue(train.isAlive(), "the other level's job was not asked");

            List<String> fenced = Fencing.run("h2", root, Map.of("gpu", "h1"), store, new ZfsReplicas(store, Duration.ofMinutes(1)), new Launcher());
            assertEquals(List.of(root + "/run (level gpu, which runs on h1 now): its job stopped, a replica of h1"), fenced);
            assertTrue(train.waitFor(30, TimeUnit.SECONDS), "the job of a level that failed over stopped here");
            assertNull(store.zedState(root + "/run").get("com.zed:job.pid"), "no job stamp left");
            assertEquals("running", store.zedState(root + "/run").get("com.zed:job.state"), "its state stays: the new host resumes it");
        } finally {
            train.destroyForcibly();
            other.destroyForcibly();
        }
    }

    /** A process in its own group that writes the time it got SIGTERM to {@code mark}, and goes on until SIGKILL. */
    private static Process stubborn(java.nio.file.Path mark) throws java.io.IOException {
        return new ProcessBuilder("setsid", "sh", "-c", "trap 'date +%s%N > " + mark + "' TERM; while :; do sleep 0.1; done").start();
    }
}
