package zed.actors.level;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A wake fences when a level it saw on this host is placed on another now (a failover while the node ran). */
class WakeupTest {
    @Test
    void aLevelOfThisHostPlacedElsewhereNowIsMovedAway() {
        assertTrue(Wakeup.movedAway(Set.of("web", "notes"), Map.of("web", "h1", "notes", "h2"), "h2"));
    }

    @Test
    void levelsStillHereNewOnesAndForgottenOnesAreNot() {
        assertFalse(Wakeup.movedAway(Set.of("web"), Map.of("web", "h2", "shop", "h1"), "h2"), "still here; shop was never here");
        assertFalse(Wakeup.movedAway(Set.of("gone"), Map.of("web", "h2"), "h2"), "a level no longer placed (destroyed) moved nowhere");
        assertFalse(Wakeup.movedAway(Set.of(), Map.of("web", "h1"), "h2"));
    }
}
