package zed.reconciler.ops;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import zed.reconciler.store.StoreError;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each class of argument that zed ops refuses, decided without I/O. */
class OpsRulesTest {
    final OpsRules rules = new OpsRules(List.of("tank/zed", "tank/shop"), List.of(Path.of("/srv")));

    static ObjectNode req(String op, String dataset) {
        ObjectNode n = Frames.JSON.createObjectNode().put("op", op);
        if (dataset != null) n.put("dataset", dataset);
        return n;
    }

    StoreError refused(ObjectNode r) {
        return assertThrows(StoreError.class, () -> rules.check(r), r.toString());
    }

    @Test
    void aDatasetOutsideTheManagedRootsIsRefused() {
        for (String d : List.of("tank", "tank/zedx", "other/zed", "tank/shopping/a")) {
            assertEquals(StoreError.Kind.NOT_MANAGED, refused(req("destroy", d)).kind(), d);
        }
        assertDoesNotThrow(() -> rules.check(req("destroy", "tank/shop/apps/web")));
        assertDoesNotThrow(() -> rules.check(req("create", "tank/zed")));
    }

    @Test
    void namesWithAtDotsOrNothingAreRefused() {
        String big = "tank/zed/" + "a".repeat(300);
        for (String d : List.of("tank/zed/a@b", "tank/zed/../etc", "tank/zed/./a", "", "tank/zed//a", "tank/zed/-o", big)) {
            assertEquals(StoreError.Kind.INVALID_NAME, refused(req("create", d)).kind(), d);
        }
        assertEquals(StoreError.Kind.INVALID_NAME, refused(req("rollback", "tank/zed/a").put("snap", "x@y")).kind());
        assertEquals(StoreError.Kind.INVALID_NAME, refused(req("rollback", "tank/zed/a")).kind(), "a rollback names its snapshot");
        assertEquals(StoreError.Kind.INVALID_NAME, refused(req("destroySnapshot", "tank/zed/a").put("snap", "..")).kind());
        assertEquals(StoreError.Kind.INVALID_NAME, refused(Frames.JSON.createObjectNode().put("op", "exists")).kind(), "no dataset");
    }

    @Test
    void capabilitiesAreAskedOfAManagedRootsPool() {
        assertDoesNotThrow(() -> rules.check(req("capabilities", "tank")));
        assertEquals(StoreError.Kind.NOT_MANAGED, refused(req("capabilities", "other")).kind());
    }

    @Test
    void anUnknownOperationIsRefused() {
        StoreError e = refused(req("exec", "tank/zed/a"));
        assertTrue(e.getMessage().contains("unknown operation \"exec\""), e.getMessage());
        refused(Frames.JSON.createObjectNode());
    }

    @Test
    void onlyThePropertiesTheNodeSetsAreAccepted() {
        for (String p : List.of("setuid", "devices", "sharenfs", "zoned", "bad prop")) {
            ObjectNode r = req("set", "tank/zed/a");
            r.putObject("properties").put(p, "on");
            assertEquals(StoreError.Kind.INVALID_PROPERTY, refused(r).kind(), p);
        }
        assertEquals(StoreError.Kind.INVALID_PROPERTY, refused(req("inherit", "tank/zed/a").put("property", "setuid")).kind());
        ObjectNode ok = req("create", "tank/zed/a");
        ok.putObject("properties").put("com.zed:rev", "3").put("quota", "1G").put("compression", "lz4").put("com.acme:owner", "x");
        assertDoesNotThrow(() -> rules.check(ok));
        ObjectNode notText = req("set", "tank/zed/a");
        notText.putObject("properties").put("com.zed:rev", 3);
        refused(notText);
    }

    @Test
    void aMountpointOnlyUnderTheAllowedDirectories() {
        for (String mp : List.of("/etc", "/srv", "/srv/../etc", "srv/a", "/srvx/a")) {
            ObjectNode r = req("set", "tank/zed/a");
            r.putObject("properties").put("mountpoint", mp);
            assertEquals(StoreError.Kind.INVALID_PROPERTY, refused(r).kind(), mp);
        }
        for (String mp : List.of("/srv/shop", "none", "legacy")) {
            ObjectNode r = req("set", "tank/zed/a");
            r.putObject("properties").put("mountpoint", mp);
            assertDoesNotThrow(() -> rules.check(r), mp);
        }
    }

    @Test
    void aSnapshotsDatasetsAndPropertiesAreChecked() {
        ObjectNode r = Frames.JSON.createObjectNode().put("op", "snapshot").put("snap", "zed-deploy-1");
        r.putArray("datasets").add("tank/zed/a").add("tank/elsewhere");
        assertEquals(StoreError.Kind.NOT_MANAGED, refused(r).kind());
        ObjectNode p = Frames.JSON.createObjectNode().put("op", "snapshot").put("snap", "zed-deploy-1");
        p.putArray("datasets").add("tank/zed/a");
        p.putObject("properties").putObject("tank/zed/b").put("com.zed:rev", "1");
        refused(p);
        ObjectNode native_ = Frames.JSON.createObjectNode().put("op", "snapshot").put("snap", "zed-deploy-1");
        native_.putArray("datasets").add("tank/zed/a");
        native_.putObject("properties").putObject("tank/zed/a").put("quota", "1G");
        assertEquals(StoreError.Kind.INVALID_PROPERTY, refused(native_).kind());
    }
    static final String ROUND = "zed-replica-20261206T000000.000Z";

    static ObjectNode step(String kind) {
        ObjectNode s = Frames.JSON.createObjectNode().put("kind", kind);
        if (kind.equals("incremental")) s.put("from", ROUND).put("to", "zed-replica-20261206T000002.000Z").putArray("discard");
        else s.put("snapshot", ROUND);
        return s;
    }

    static ObjectNode streamed(String op, String dataset, ObjectNode step) {
        ObjectNode r = req(op, dataset).put("origin", "h1");
        r.set("step", step);
        return r;
    }

    @Test
    void replicationIsCheckedAsTheStoreIs() {
        for (String op : List.of("send", "receive", "receiveModel")) {
            assertDoesNotThrow(() -> rules.check(streamed(op, "tank/zed/web/data", step("full"))), op);
            assertDoesNotThrow(() -> rules.check(streamed(op, "tank/zed/web/data", step("incremental"))), op);
            assertEquals(StoreError.Kind.NOT_MANAGED, refused(streamed(op, "tank/other/data", step("full"))).kind(), op + ": a target outside the roots");
            assertEquals(StoreError.Kind.INVALID_NAME, refused(streamed(op, "tank/zed/web@x", step("full"))).kind(), op + ": @ in a dataset");
            assertEquals(StoreError.Kind.INVALID_NAME, refused(streamed(op, "tank/zed/../etc", step("full"))).kind(), op + ": ..");
        }
        assertDoesNotThrow(() -> rules.check(streamed("receiveModel", "tank/zed/m", step("upToDate"))));
        assertEquals(StoreError.Kind.INVALID_NAME, refused(streamed("receive", "tank/zed/m", step("upToDate"))).kind(), "only a model's receive is up to date without bytes");
        assertDoesNotThrow(() -> rules.check(req("replicaSnapshots", "tank/zed/web")));
        assertDoesNotThrow(() -> rules.check(req("promote", "tank/zed/web")));
        assertEquals(StoreError.Kind.NOT_MANAGED, refused(req("replicaTarget", "tank")).kind());
    }

    @Test
    void aStepWithABadSnapshotOrKindIsRefused() {
        for (String bad : List.of("x@y", "..", "-o", "a/b", "")) {
            ObjectNode s = step("full").put("snapshot", bad);
            assertEquals(StoreError.Kind.INVALID_NAME, refused(streamed("send", "tank/zed/a", s)).kind(), bad);
            ObjectNode i = step("incremental");
            i.withArray("discard").add(bad);
            assertEquals(StoreError.Kind.INVALID_NAME, refused(streamed("receive", "tank/zed/a", i)).kind(), "discard " + bad);
        }
        assertTrue(refused(streamed("send", "tank/zed/a", step("resume"))).getMessage().contains("is not a step"));
        assertTrue(refused(req("send", "tank/zed/a")).getMessage().contains("\"step\""), "a send names its step");
        ObjectNode noOrigin = streamed("receive", "tank/zed/a", step("full"));
        noOrigin.remove("origin");
        refused(noOrigin);
    }

    @Test
    void pruneAndTakeOverTouchOnlyReplicationRounds() {
        assertDoesNotThrow(() -> rules.check(req("prune", "tank/zed/a").put("keep", ROUND)));
        assertDoesNotThrow(() -> rules.check(req("takeOver", "tank/zed/a").put("snap", ROUND)));
        for (String snap : List.of("zed-deploy-3", "zed-replica-yesterday", "zed-replica-20261206T000000.000Z@x", "../zed-replica-20261206T000000.000Z")) {
            assertEquals(StoreError.Kind.INVALID_NAME, refused(req("prune", "tank/zed/a").put("keep", snap)).kind(), snap);
            assertEquals(StoreError.Kind.INVALID_NAME, refused(req("takeOver", "tank/zed/a").put("snap", snap)).kind(), snap);
        }
        assertEquals(StoreError.Kind.NOT_MANAGED, refused(req("takeOver", "other/zed/a").put("snap", ROUND)).kind());
        assertTrue(OpsRules.DESTRUCTIVE.containsAll(List.of("prune", "takeOver", "demote", "receive", "receiveModel")), "audited before and after");
    }

    @Test
    void hostsLevelsAndRoundTimesAreChecked() {
        for (String host : List.of("h 1", "-h", "h1;rm", "", "a".repeat(64))) {
            assertEquals(StoreError.Kind.INVALID_NAME, refused(req("demote", "tank/zed/a").put("of", host)).kind(), host);
            ObjectNode r = streamed("receive", "tank/zed/a", step("full")).put("origin", host);
            assertEquals(StoreError.Kind.INVALID_NAME, refused(r).kind(), host);
        }
        assertDoesNotThrow(() -> rules.check(req("demote", "tank/zed/a").put("of", "h2.example")));
        assertDoesNotThrow(() -> rules.check(req("replicasOf", "tank/zed").put("level", "web").putNull("origin")));
        assertDoesNotThrow(() -> rules.check(req("toTakeOver", "tank/zed").put("level", "web").put("origin", "h1")));
        assertEquals(StoreError.Kind.INVALID_NAME, refused(req("toTakeOver", "tank/zed").put("level", "web")).kind(), "a takeover names the lost host");
        for (String level : List.of("../web", "web level", "")) {
            assertEquals(StoreError.Kind.INVALID_NAME, refused(req("replicasOf", "tank/zed").put("level", level)).kind(), level);
        }
        ObjectNode round = Frames.JSON.createObjectNode().put("op", "replicaSnapshot").put("at", "2026-12-06T00:00:00Z");
        round.putArray("datasets").add("tank/zed/a");
        assertDoesNotThrow(() -> rules.check(round));
        round.put("at", "now; rm -rf /");
        refused(round);
        round.put("at", "2026-12-06T00:00:00Z");
        round.withArray("datasets").add("tank/other");
        assertEquals(StoreError.Kind.NOT_MANAGED, refused(round).kind());
    }
}
