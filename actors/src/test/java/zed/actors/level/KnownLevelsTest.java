package zed.actors.level;

import org.junit.jupiter.api.Test;
import zed.actors.cluster.Instances;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The levels a node knows, with a multi-host level's instances ({@code level@host}): pure, no cluster. */
class KnownLevelsTest {
    @Test
    void aMultiHostLevelIsListedOnceAndItsInstancesEachOnItsHost() {
        KnownLevels k = new KnownLevels("h1");
        k.replace(Map.of("web@h1", "h1", "web@h2", "h2", "notes", "h2", "web/api", "h1", "webby@h1", "h1"));
        assertEquals(List.of("notes", "web", "web/api", "webby"), k.all());
        assertEquals(List.of("web@h1", "web@h2"), k.instances("web"));
        assertEquals(List.of(), k.instances("notes"));
        assertEquals(List.of("web/api", "web@h1", "webby@h1"), k.on("h1"));
        assertEquals(List.of("web/api"), k.below("web"));
        assertNull(k.hostOf("web"), "a multi-host level has no one host");
        assertTrue(k.knows("web").toCompletableFuture().join());
    }

    @Test
    void anInstanceIdNamesItsLevelAndHost() {
        assertEquals("web@h2", Instances.id("web", "h2"));
        assertEquals("shop/web", Instances.levelOf(Instances.id("shop/web", "h2")));
        assertEquals("h2", Instances.hostOf("shop/web@h2"));
        assertEquals("web", Instances.levelOf("web"));
        assertNull(Instances.hostOf("web"));
    }
}
