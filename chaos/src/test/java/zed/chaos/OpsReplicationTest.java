package zed.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.chaos.fault.AgentNode;
import zed.chaos.fault.ChaosDatabase;
import zed.chaos.fault.ChaosPool;
import zed.chaos.fault.LoopbackCluster;
import zed.chaos.fault.NodeCalls;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static zed.chaos.fault.PoolReads.await;
import static zed.chaos.fault.PoolReads.file;
import static zed.chaos.fault.PoolReads.mountpoint;
import static zed.chaos.fault.PoolReads.property;
import static zed.chaos.fault.PoolReads.propertyOrWhy;

/**
 * Replication through the privilege boundary: one real {@code zed ops} process serves two agents (real JVMs, h1's
 * pool under zedtest and h2's under zedtest2) started with {@code --ops-socket}. A level on h1 with a standby reaches
 * h2 in full, then as an increment, and moves to h2 (its last round, promote there, demote here); the audit log has
 * each receive, prune and demote. The agents' PATH starts with a {@code zfs} and a {@code zpool} that refuse
 * and leave a mark: an agent that ran either itself, for anything, fails the test.
 */
@Tag("cluster-scenario") // runs beside another such scenario: see chaos/pom.xml
class OpsReplicationTest {
    static final String WEB = """
            level "web" {
              host = "h1"
            }
            failover {
              standby = "h2"
              every   = "1s"
            }
            dataset "data" {
              properties = { "com.acme:tier" = "gold" }
            }
            """;

    @Test
    void twoAgentsThroughOneZedOpsReplicateAndMoveALevelAndRunNoZfsThemselves(@TempDir Path work) throws Exception {
        ChaosNeeds.zfsPool();
        ChaosNeeds.postgres();
        Path refusing = refusingZfs(work.resolve("no-zfs"));
        Path socket = work.resolve("run/ops.sock"), audit = work.resolve("ops-audit.log");
        try (ChaosDatabase db = ChaosDatabase.fresh(); ChaosPool pool = ChaosPool.fresh("opsrepl"); ChaosPool pool2 = ChaosPool.second("opsrepl")) {
            String data = pool.root() + "/h1/data", replica = pool2.root() + "/h2/data";
            // the same uid here (root); the other uid's refusal is OpsServerTest's
            Process ops = new ProcessBuilder(ZedProcess.bin().toString(), "ops", "--socket", socket.toString(), "--group", "root", "--agent-user", "root",
                    "--root", pool.root() + "/h1", "--root", pool2.root() + "/h2", "--audit", audit.toString())
                    .redirectErrorStream(true).redirectOutput(work.resolve("ops.log").toFile()).start();
            try {
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (!Files.exists(socket)) {
                    assertTrue(ops.isAlive() && System.nanoTime() < deadline, "zed ops did not open its socket: " + log(work.resolve("ops.log")));
                    Thread.sleep(100); // polling interval of a deadline wait
                }
                try (LoopbackCluster cluster = LoopbackCluster.start(ZedProcess.bin(), work, 2, db, List.of(pool, pool2),
                        host -> Map.of("PATH", refusing + File.pathSeparator + System.getenv("PATH")), host -> List.of("--ops-socket", socket.toString()))) {
                    AgentNode h1 = cluster.host("h1").node();
                    NodeCalls.Answer pushed = h1.push("web", work.resolve("web"), WEB);
                    assertEquals(200, pushed.status(), pushed.body().toString());
                    JsonNode web = h1.await("web", s -> s.path("state").asText().equals("Converged"), Duration.ofSeconds(60));
                    assertEquals("Converged", web.path("state").asText(), web.toString());

                    Files.writeString(mountpoint(data).resolve("page.txt"), "one");
                    assertEquals("one", await(() -> file(replica, "page.txt"), "one", Duration.ofSeconds(30)), "the standby's pool holds the level's data");
                    assertEquals("h1", await(() -> propertyOrWhy(replica, "com.zed:replica-of"), "h1", Duration.ofSeconds(10)));
                    assertEquals("gold", property(replica, "com.acme:tier"));
                    Files.writeString(mountpoint(data).resolve("page.txt"), "two");
                    assertEquals("two", await(() -> file(replica, "page.txt"), "two", Duration.ofSeconds(30)), "an increment followed");

                    Path cli = Files.createDirectories(work.resolve("cli"));
                    ZedProcess.Outcome moved = ZedProcess.run(work, Map.of("ZED_NODE", h1.url(), "ZED_TOKEN", Files.readString(h1.home().resolve("api-token")).strip(),
                            "ZED_HOME", cli.toString()), "move", "web", "--to", "h2");
                    assertEquals(0, moved.exit(), moved.toString());
                    JsonNode there = h1.await("web", s -> s.path("state").asText().equals("Converged") && s.path("host").asText().equals("h2"), Duration.ofSeconds(60));
                    assertEquals("h2", there.path("host").asText(), there.toString());
                    assertEquals("two", file(replica, "page.txt"));
                    assertEquals("-", property(replica, "com.zed:replica-of"), "promoted through ops: the level's own on h2");
                    assertEquals("h2", property(data, "com.zed:replica-of"), "demoted through ops: h1 keeps a replica of h2's");
                }
                String log = Files.readString(audit);
                // the destructive ones (promote only clears a property: not audited; its effect is asserted above)
                for (String op : List.of("receive", "prune", "demote")) {
                    assertTrue(log.contains("\"op\":\"" + op + "\""), op + " is in ops's audit log: " + log);
                }
                assertFalse(Files.exists(refusing.resolve("ran")), "an agent ran zfs itself: " + log(refusing.resolve("ran")));
            } finally {
                ops.destroy();
                ops.waitFor();
            }
        }
    }

    /** A {@code zfs} and a {@code zpool} that refuse with exit 97 and write what they were asked into {@code dir/ran}. */
    static Path refusingZfs(Path dir) throws Exception {
        Files.createDirectories(dir);
        for (String tool : List.of("zfs", "zpool")) {
            Path p = dir.resolve(tool);
            Files.writeString(p, """
                    #!/bin/sh
                    echo "%1$s $*" >> '%2$s/ran'
                    echo "%1$s $*: an agent with --ops-socket asks zed ops, and runs no %1$s itself" >&2
                    exit 97
                    """.formatted(tool, dir));
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return dir;
    }

    private static String log(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "(none)";
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
