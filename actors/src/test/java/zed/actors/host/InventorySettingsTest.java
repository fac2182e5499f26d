package zed.actors.host;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How often the node takes its inventory: zed.host.inventory-every, 60 s unless set; how soon a lost GPU's jobs are placed again. */
class InventorySettingsTest {
    @Test
    void theNodesConfigSetsThePeriodAndARefusedOneSaysWhichKey() {
        assertEquals(HostInventoryActor.Settings.DEFAULT, HostInventoryActor.Settings.of(ConfigFactory.empty()));
        assertEquals(Duration.ofSeconds(60), HostInventoryActor.Settings.DEFAULT.every());
        HostInventoryActor.Settings fast = HostInventoryActor.Settings.of(ConfigFactory.parseString("zed.host.inventory-every = 1s"));
        assertEquals(Duration.ofSeconds(1), fast.every());
        assertEquals(HostInventoryActor.Settings.DEFAULT.jitter(), fast.jitter());
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> HostInventoryActor.Settings.of(ConfigFactory.parseString("zed.host.inventory-every = 0s")));
        assertTrue(zero.getMessage().startsWith("zed.host.inventory-every must be positive"), zero.getMessage());
    }
}
