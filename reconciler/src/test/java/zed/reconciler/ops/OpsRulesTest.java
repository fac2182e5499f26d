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
}
