package zed.actors.warden;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.chaos.ZedProcess;
import zed.reconciler.process.Spawn;
import zed.reconciler.process.StartTime;
import zed.reconciler.store.ProcessCommand;
import zed.reconciler.store.ZfsStore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The warden as a clustered agent run by bin/zed starts it, from the built {@code zed-cli.jar}, on a zfs-fuse test
 * pool with a real service: both jars are replaced as bin/zed's rebuild replaces them, while the warden waits (a
 * JVM loads its classes when first used, and opens zed.jar only then), then the heartbeat goes silent: the warden
 * still stops the service, records it and goes. Without the warden's own links to the jars it failed with
 * NoClassDefFoundError (Pekko's RecipientRef, from zed.jar). In the chaos module (in package zed.actors.warden, for
 * the warden's own test hooks) since it needs the jars the actors module builds after its tests; on a copy of them,
 * so that the repository's are never touched.
 */
class WardenJarTest {
    static final Duration AFTER = Duration.ofSeconds(3);

    @TempDir
    Path tmp;

    @Test
    void aWardenWhoseJarIsRewrittenWhileItWaitsStillStandsDown() throws Exception {
        String pool = System.getenv("ZED_TEST_POOL");
        if (pool == null) fail("no zfs-fuse test pool (ZED_TEST_POOL): scripts/test-pool.sh up");
        Path built = ZedProcess.bin().getParent().getParent().resolve("actors/target");
        Path install = Files.createDirectories(tmp.resolve("target"));
        for (String j : List.of("zed-cli.jar", "zed.jar")) Files.copy(built.resolve(j), install.resolve(j));
        Path jar = install.resolve("zed-cli.jar");

        ZfsStore store = ZfsStore.probe(new ProcessCommand(), pool);
        String root = pool + "/warden-jar-" + UUID.randomUUID().toString().substring(0, 8);
        // a service of a level with a standby, in a process group of its own, stamped as a node stamps it
        Process web = new ProcessBuilder("setsid", "sleep", "300").start();
        Spawn.Spawned warden = null;
        try {
            store.create(root, Map.of());
            store.create(root + "/data", Map.of("com.zed:managed", "true", "com.zed:level", "web", "com.zed:pid", String.valueOf(web.pid()),
                    "com.zed:started_at", StartTime.of(web.pid()).orElseThrow()));
            Path home = tmp.resolve("home");
            WardenFiles files = WardenFiles.of(home);
            Heartbeat beat = Heartbeat.start(files);
            beat.follow(() -> new StandbyLevels(root, Set.of("web")));
            warden = WardenLaunch.spawn(home, AFTER, jar.toString());
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!Files.exists(files.log()) || !Files.readString(files.log()).contains("zed warden: watching")
                    || !Files.exists(files.levels())) {
                assertTrue(System.nanoTime() < deadline, "the warden watches, and knows the level with a standby");
                Thread.sleep(100); // polling interval of a deadline wait
            }

            // two rebuilds while the warden waits, as bin/zed's Maven (shade) makes them: each jar renamed to
            // original-*.jar and another written in its place; the next build's rename unlinks the original
            for (String j : List.of("zed-cli.jar", "zed.jar")) {
                Files.move(install.resolve(j), install.resolve("original-" + j));
                byte[] other = new byte[4096];
                Arrays.fill(other, (byte) 'x');
                Files.write(install.resolve(j), other);
                Files.delete(install.resolve("original-" + j));
            }

            beat.halt(); // as kill -9 of the agent
            assertTrue(web.waitFor(60, TimeUnit.SECONDS), "the warden stopped the service: " + Files.readString(files.log()));
            assertEquals(0, (int) warden.exit().get(30, TimeUnit.SECONDS), Files.readString(files.log()));
            String log = Files.readString(files.log());
            assertFalse(log.contains("Error") || log.contains("Exception"), log);
            assertEquals("stopped the service on " + root + "/data (level web, which has a standby)", WardenLaunch.lastStandDown(files).get(1), log);
            assertNull(store.zedState(root + "/data").get("com.zed:pid"), "its process stamp is gone");
        } finally {
            if (warden != null) ProcessHandle.of(warden.pid()).ifPresent(ProcessHandle::destroyForcibly);
            web.destroyForcibly();
            try {
                // children first: zfs-fuse hangs on destroy -r of a mounted tree
                if (store.exists(root + "/data")) store.destroy(root + "/data");
                if (store.exists(root)) store.destroy(root);
            } catch (RuntimeException e) {
                System.err.println("could not destroy " + root + ": " + e.getMessage());
            }
        }
    }
}
