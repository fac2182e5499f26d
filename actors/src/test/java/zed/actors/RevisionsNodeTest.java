package zed.actors;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.reconciler.store.ZfsStore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Revisions over real HTTP on a real zfs-fuse pool: rolling forward again after a rollback, an automatic revert that
 * goes to the stable revision (never "the one before"), a rollback that answers what it did, and a level whose pool
 * is three names deep.
 */
class RevisionsNodeTest {
    @TempDir
    Path state;
    TestNode node;
    ZfsStore store;
    String root;

    ZfsRoot zfs;

    @BeforeEach
    void pool() {
        zfs = ZfsRoot.fresh();
        store = zfs.store();
        root = zfs.root();
    }

    @AfterEach
    void stop() throws Exception {
        if (node != null) node.close();
        if (zfs != null) zfs.close();
    }

    /** A level of one dataset and one service that appends {@code word} to a file in it when it starts. */
    String level(String version, String word, String update, String health) {
        return """
                level "shop" {
                  pool = "%s"
                }
                update {
                  min_healthy_time = "500ms"
                  %s
                }
                dataset "data" {}
                service "exec" "web" {
                  dataset = "data"
                  version = "%s"
                  runtime { cmd = ["/bin/sh", "-c", "trap 'exit 0' TERM; echo %s >> ${self.dir}/log; while true; do sleep 1; done"] }
                  %s
                }
                """.formatted(root, update, version, word, health);
    }

    String level(String version, String word) {
        return level(version, word, "", "");
    }

    Path mount() throws Exception {
        return Path.of(ZfsNodeTest.zfsGet("mountpoint", root + "/data"));
    }

    String log() throws Exception {
        Path f = mount().resolve("log");
        return Files.exists(f) ? Files.readString(f) : "";
    }

    void awaitLog(String word) throws Exception {
        awaitLog(l -> l.contains(word), "the service never wrote " + word);
    }

    /** Waits until the service's log has {@code n} lines of {@code word}: each start of the service writes one. */
    void awaitLines(String word, long n) throws Exception {
        awaitLog(l -> l.lines().filter(word::equals).count() == n, "the service's log never held " + n + " lines of " + word);
    }

    void awaitLog(java.util.function.Predicate<String> ok, String never) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!ok.test(log())) {
            if (System.nanoTime() > deadline) throw new AssertionError(never + "; log: " + log());
            Thread.sleep(100); // polling interval of a deadline wait
        }
    }

    @Test
    void afterARollbackTheSameZedfileDeploysAgainAsANewRevision() throws Exception {
        node = TestNode.start(state);
        node.push("shop", "shop", null, level("1.0.0", "one"));
        node.converged("shop", 1);
        node.push("shop", "shop", null, level("3.0.0", "three"));
        node.converged("shop", 2);
        assertEquals("3.0.0", ZfsNodeTest.zfsGet("com.zed:version", root + "/data"));

        TestNode.Answer rb = node.send("POST", "/v1/levels/shop/rollback", "{\"target\": \"@latest\"}");
        assertEquals(202, rb.status(), String.valueOf(rb.body()));
        node.converged("shop", 1);
        assertEquals("1.0.0", ZfsNodeTest.zfsGet("com.zed:version", root + "/data"));

        // the operator rolled back; deploying the same Zedfile again must roll forward, not be "unchanged"
        TestNode.Answer again = node.push("shop", "shop", null, level("3.0.0", "three"));
        assertEquals(200, again.status());
        assertEquals(3, again.body().get("revision").asLong(), "a new revision: " + again.body());
        assertTrue(again.body().get("changed").asBoolean());
        JsonNode s = node.converged("shop", 3);
        assertFalse(s.has("error"), "nothing failed: " + s);
        assertEquals("3.0.0", ZfsNodeTest.zfsGet("com.zed:version", root + "/data"), "3.0.0 runs again");

        TestNode.Answer same = node.push("shop", "shop", null, level("3.0.0", "three"));
        assertEquals(3, same.body().get("revision").asLong());
        assertFalse(same.body().get("changed").asBoolean(), "and only now is it unchanged");
    }

    /**
     * Revision 1, revision 2, a rollback to revision 1 (which runs on and writes), revision 2's Zedfile again (revision
     * 3), and a rollback to revision 1 again: it lands on the newest snapshot that holds revision 1, the one taken
     * before revision 3, with what revision 1 wrote after the first rollback; not on the older one taken before
     * revision 2, which would lose that and destroy the newer snapshot with it.
     */
    @Test
    void aRevertGoesToTheNewestSnapshotOfItsRevisionAfterARollbackAndThePushAgain() throws Exception {
        node = TestNode.start(state);
        deploy("1", "one", 1);
        deploy("2", "two", 2);
        TestNode.Answer first = node.send("POST", "/v1/levels/shop/rollback", "{\"target\": \"@rev:1\"}");
        assertEquals(202, first.status(), String.valueOf(first.body()));
        node.converged("shop", 1);
        awaitLines("one", 2); // revision 1's service started again on revision 1's data, and wrote

        TestNode.Answer again = node.push("shop", "shop", null, level("2", "two"));
        assertEquals(3, again.body().get("revision").asLong(), again.body().toString());
        node.converged("shop", 3);
        awaitLog("two");
        List<String> before = snapshots();
        String newest = before.stream().filter(n -> n.startsWith("zed-deploy-3-")).findFirst().orElseThrow(() -> new AssertionError(before.toString()));

        TestNode.Answer second = node.send("POST", "/v1/levels/shop/rollback", "{\"target\": \"@rev:1\"}");
        assertEquals(202, second.status(), String.valueOf(second.body()));
        node.converged("shop", 1);
        assertTrue(snapshots().contains(newest), "the rollback went to " + newest + ", the newest that holds revision 1, and kept it: " + snapshots());
        awaitLines("one", 3);
        assertFalse(log().contains("two"), log());
        assertEquals("1", ZfsNodeTest.zfsGet("com.zed:version", root + "/data"));
    }

    /** Pushes a revision and waits until it converged and its service wrote {@code word}. */
    void deploy(String version, String word, long revision) throws Exception {
        node.push("shop", "shop", null, level(version, word));
        node.converged("shop", revision);
        awaitLog(word);
    }

    List<String> snapshots() throws Exception {
        return store.snapshots(root + "/data").stream().map(zed.reconciler.store.Snapshot::name).toList();
    }

    @Test
    void anAutomaticRevertGoesToTheStableRevisionsDataNotTheRevisionBefore() throws Exception {
        node = TestNode.start(state);
        deploy("1", "one", 1);
        // revision 2 writes its data, then waits for a check that never passes (its deadline is far)
        node.push("shop", "shop", null, level("2", "two", "healthy_deadline = \"5m\"", "health \"exec\" { command = [\"false\"] }"));
        awaitLog("two");
        // revision 3 comes before revision 2 ever converged, and fails
        node.push("shop", "shop", null, level("3", "three", "healthy_deadline = \"3s\"", "health \"exec\" { command = [\"false\"] }"));
        JsonNode back = node.await("shop", s -> s.get("desiredRevision").asLong() == 1 && s.get("state").asText().equals("Converged"),
                "the revert to the stable revision 1");
        assertEquals(1, back.get("stableRevision").asLong());
        assertTrue(back.get("error").asText().startsWith("service.exec.web: not healthy within healthy_deadline 3s"), back.toString());
        assertFalse(log().contains("two"), "the data of revision 1, not of revision 2 that never converged: " + log());
        assertTrue(log().startsWith("one"), log());
        JsonNode started = node.event("shop", e -> e.get("type").asText().equals("RollbackStarted"));
        assertTrue(started.get("automatic").asBoolean());
        assertEquals(1, started.get("to").asLong());
        assertTrue(started.get("target").asText().startsWith("@zed-deploy-2-"), "the snapshot taken before revision 2: " + started);
    }

    @Test
    void aRollbackAnswersWhatItDidEachWithAnIdAndASecondOneWhileItRunsIsRefused() throws Exception {
        node = TestNode.start(state);
        // revision 2's service ignores SIGTERM: its stop takes the whole grace (10 s), so the rollback is still running
        // below. Revision 1's stops at once, as a stop that is not under test need not wait out the grace.
        node.push("shop", "shop", null, level("1", "one"));
        node.converged("shop", 1);
        node.push("shop", "shop", null, level("2", "two").replace("trap 'exit 0' TERM", "trap '' TERM"));
        node.converged("shop", 2);

        TestNode.Answer missing = node.send("POST", "/v1/levels/shop/rollback", "{\"target\": \"@rev:41\"}");
        assertEquals(404, missing.status(), String.valueOf(missing.body()));

        TestNode.Answer first = node.send("POST", "/v1/levels/shop/rollback", "{\"target\": \"@latest\"}");
        assertEquals(202, first.status(), String.valueOf(first.body()));
        String id = first.body().get("rollback").asText();
        assertTrue(id.matches("rb-[0-9a-f]{8}"), id);
        assertEquals(2, first.body().get("from").asLong());

        TestNode.Answer second = node.send("POST", "/v1/levels/shop/rollback", "{\"target\": \"@latest\"}");
        assertEquals(409, second.status(), "nothing was done: " + second.body());
        assertTrue(second.body().get("errors").get(0).get("message").asText().contains(id), second.body().toString());
        JsonNode during = node.get("/v1/levels/shop");
        assertEquals(id, during.get("rollback").get("id").asText(), during.toString());
        assertEquals("RollingBack", during.get("state").asText());

        node.converged("shop", 1);
        // journaled before it acted: RollbackStarted, then RolledBack, both naming it
        List<String> order = new java.util.ArrayList<>();
        node.event("shop", e -> {
            if (id.equals(e.path("rollback").asText()) && List.of("RollbackStarted", "RolledBack").contains(e.get("type").asText())) order.add(e.get("type").asText());
            return order.size() == 2;
        });
        assertEquals(List.of("RollbackStarted", "RolledBack"), order);

        assertEquals(200, node.send("DELETE", "/v1/levels/shop", null).status());
        TestNode.Answer stopped = node.send("POST", "/v1/levels/shop/rollback", "{\"target\": \"@latest\"}");
        assertEquals(409, stopped.status(), String.valueOf(stopped.body()));
    }

    @Test
    void aLevelWhosePoolIsThreeNamesDeepConverges() throws Exception {
        node = TestNode.start(state);
        store.create(root + "/a", Map.of());
        TestNode.Answer a = node.push("shop", "shop", null, """
                level "shop" {
                  pool = "%s/a/b"
                }
                update {
                  min_healthy_time = "500ms"
                }
                dataset "data" {}
                """.formatted(root));
        assertEquals(200, a.status(), String.valueOf(a.body()));
        JsonNode s = node.converged("shop", 1);
        assertFalse(s.has("error"), s.toString());
        assertEquals("shop", ZfsNodeTest.zfsGet("com.zed:level", root + "/a/b/data"));
    }
}
