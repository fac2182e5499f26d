package zed.actors.cluster;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which levels a standby takes over by itself when the cluster downs a host. */
class AutoFailoverTest {
    @Test
    void aStandbyTakesTheLevelsOfTheDownedHostWhoseStandbyItIsAndNoOthers() {
        PlacementTable.AutoStandbys table = new PlacementTable.AutoStandbys(
                Map.of("api", "h2", "web", "h2", "shop", "h3", "moved", "h2"),
                Map.of("api", "h1", "web", "h1", "shop", "h1", "moved", "h2", "notes", "h1"));
        assertEquals(List.of("api", "web"), AutoFailover.levelsFor(table, "h1", "h2"));
        assertEquals(List.of("shop"), AutoFailover.levelsFor(table, "h1", "h3"));
        assertEquals(List.of(), AutoFailover.levelsFor(table, "h3", "h2"), "nothing ran on h3");
    }
}
