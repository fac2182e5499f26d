package zed.reconciler.ops;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import zed.reconciler.store.StoreError;

import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What zed ops accepts of a service's start, stop and home, without I/O. */
class ServiceRulesTest {
    final ServiceRules rules = new ServiceRules(Set.of("zed-svc"), Set.of());
    final OpsRules datasets = new OpsRules(List.of("tank/zed"), List.of());

    ObjectNode start() {
        ObjectNode r = Frames.JSON.createObjectNode().put("op", "serviceStart").put("service", "service.web").put("user", "zed-svc")
                .put("workdir", "/tank/zed/web").put("logs", "/var/lib/zed/levels/shop/var/web/log");
        r.putArray("argv").add("/usr/bin/python3").add("-m").add("http.server");
        r.putObject("env").put("PATH", "/usr/bin").put("LD_PRELOAD", "/x.so");
        return r;
    }

    void refused(String why, Consumer<ObjectNode> change) {
        ObjectNode r = start();
        change.accept(r);
        StoreError e = assertThrows(StoreError.class, () -> rules.check(r, datasets), why);
        assertTrue(e.getMessage().contains(why), e.getMessage());
    }

    @Test
    void aWellFormedStartPassesAndEachBadPartIsRefusedByName() {
        assertDoesNotThrow(() -> rules.check(start(), datasets));
        refused("is not a user zed ops starts services as", r -> r.put("user", "root"));
        refused("is not a user's name", r -> r.put("user", "../x"));
        refused("needs \"argv\"", r -> r.putArray("argv"));
        refused("holds a NUL", r -> ((com.fasterxml.jackson.databind.node.ArrayNode) r.get("argv")).add("a\0b"));
        refused("is not an environment variable's name", r -> ((ObjectNode) r.get("env")).put("A=B", "c"));
        refused("is a string", r -> ((ObjectNode) r.get("env")).put("N", 3));
        refused("is not an absolute path", r -> r.put("workdir", "tank/zed/web"));
        refused("is not a service's name", r -> r.put("service", "a/../b"));
    }

    @Test
    void stopsHomesAndTheUnknownAreCheckedToo() {
        ObjectNode stop = Frames.JSON.createObjectNode().put("op", "serviceStop").put("pid", 1).put("startTime", "x").put("graceMs", 1000);
        assertThrows(StoreError.class, () -> rules.check(stop, datasets), "pid 1 is init's");
        assertDoesNotThrow(() -> rules.check(stop.put("pid", 4242), datasets));
        assertThrows(StoreError.class, () -> rules.check(stop.put("graceMs", 10_000_000), datasets));
        ObjectNode home = Frames.JSON.createObjectNode().put("op", "serviceHome").put("service", "service.web").put("dataset", "other/web").put("user", "zed-svc");
        StoreError outside = assertThrows(StoreError.class, () -> rules.check(home, datasets));
        assertTrue(outside.getMessage().contains("outside the managed roots"), outside.getMessage());
        assertThrows(StoreError.class, () -> rules.check(Frames.JSON.createObjectNode().put("op", "serviceExec"), datasets));
        assertThrows(StoreError.class, () -> rules.root("toor", 0, 0));
        assertThrows(StoreError.class, () -> rules.group("zed-svc", "disk"));
    }
}
