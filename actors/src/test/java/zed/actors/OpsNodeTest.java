package zed.actors;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.reconciler.ops.AuditLog;
import zed.reconciler.ops.OpsRules;
import zed.reconciler.ops.OpsServer;
import zed.reconciler.store.ProcessCommand;
import zed.reconciler.store.ZfsStore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real node whose levels' datasets go through a real zed ops (its Unix socket, its rules) on the zfs-fuse pool: a
 * level under the managed root is stamped and snapshotted through it; a level whose pool is outside the roots is
 * refused by ops, not by the node. Node and ops share this JVM and its uid (root): the other uid's refusal is
 * OpsServerTest's.
 */
class OpsNodeTest {
    @TempDir
    Path state;
    TestNode node;
    ZfsRoot zfs;
    ZfsRoot outside;
    OpsServer ops;

    @AfterEach
    void stop() throws Exception {
        if (node != null) node.close();
        if (ops != null) ops.close();
        if (zfs != null) zfs.close();
        if (outside != null) outside.close();
    }

    @Test
    void aLevelsDatasetsAndSnapshotsAreMadeThroughZedOpsAndALevelOutsideItsRootsIsRefused() throws Exception {
        zfs = ZfsRoot.fresh();
        outside = ZfsRoot.fresh();
        String root = zfs.root();
        ops = new OpsServer(state.resolve("run/ops.sock"), null, Set.of(), new OpsRules(List.of(root), List.of()),
                new AuditLog(state.resolve("ops-audit.log")), p -> ZfsStore.probe(new ProcessCommand(), p));
        ops.start();
        node = TestNode.throughOps(state.resolve("node"), ops.socket());
        String level = """
                level "shop" {
                  pool = "%s"
                }
                dataset "data" {
                  properties = { "com.acme:tier" = "%s", "compression" = "%s" }
                }
                dataset "data/cache" {}
                """;
        node.push("shop", "shop", null, level.formatted(root, "gold", "off"));
        node.converged("shop", 1);
        for (String d : List.of("data", "data/cache")) {
            assertEquals("shop", ZfsNodeTest.zfsGet("com.zed:level", root + "/" + d), d);
            assertEquals("1", ZfsNodeTest.zfsGet("com.zed:rev", root + "/" + d), d);
        }
        node.push("shop", "shop", null, level.formatted(root, "silver", "on"));
        node.converged("shop", 2);
        assertEquals("silver", ZfsNodeTest.zfsGet("com.acme:tier", root + "/data"));
        assertEquals("on", ZfsNodeTest.zfsGet("compression", root + "/data"));
        String snaps = ZfsNodeTest.run("zfs", "list", "-H", "-t", "snapshot", "-o", "name", "-r", root);
        assertTrue(snaps.contains(root + "/data@zed-deploy-"), "the deploy of revision 2 took its snapshot through ops: " + snaps);

        node.push("other", "other", null, """
                level "other" {
                  pool = "%s"
                }
                dataset "data" {}
                """.formatted(outside.root()));
        JsonNode refused = node.await("other", s -> s.toString().contains("outside the managed roots"), "ops refuses the level outside its roots");
        assertTrue(refused.toString().contains("refused by zed ops"), refused.toString());
        assertTrue(!ZfsNodeTest.run("zfs", "list", "-H", "-o", "name", "-r", outside.root()).contains(outside.root() + "/data"));
        assertTrue(Files.readString(state.resolve("ops-audit.log")).contains("outside the managed roots"));
    }
}
