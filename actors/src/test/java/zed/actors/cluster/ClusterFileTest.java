package zed.actors.cluster;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** cluster.conf: parsed and written back the same, wrong lines named, and a node's flags completed from it. */
class ClusterFileTest {
    static final String TEXT = "# written by zed cluster init: the same on every host (NAME = Artery's HOST:PORT)\n"
            + "h1 = 10.0.0.1:25520\nh2 = 10.0.0.2:25520\nh3 = 10.0.0.3:25520\n";

    @Test
    void itIsReadInOrderAndWrittenBackTheSame() {
        ClusterFile f = ClusterFile.parse(TEXT);
        assertEquals(List.of("h1", "h2", "h3"), List.copyOf(f.hosts().keySet()));
        assertEquals(TEXT, f.text());
    }

    @Test
    void aWrongLineIsNamed() {
        assertEquals("cluster.conf:2: a line is NAME = HOST:PORT, not \"h2 10.0.0.2:25520\"",
                assertThrows(IllegalArgumentException.class, () -> ClusterFile.parse("h1 = 10.0.0.1:1\nh2 10.0.0.2:25520\n")).getMessage());
        assertEquals("cluster.conf:1: an address takes HOST:PORT, not \"10.0.0.1\"",
                assertThrows(IllegalArgumentException.class, () -> ClusterFile.parse("h1 = 10.0.0.1\n")).getMessage());
        assertEquals("cluster.conf:2: host h1 is listed twice",
                assertThrows(IllegalArgumentException.class, () -> ClusterFile.parse("h1 = 10.0.0.1:1\nh1 = 10.0.0.2:1\n")).getMessage());
        assertEquals("cluster.conf lists no host", assertThrows(IllegalArgumentException.class, () -> ClusterFile.parse("# none\n")).getMessage());
    }

    @Test
    void aNodeTakesItsAddressAndTheSeedsFromItUnlessItsFlagsSayOtherwise() {
        ClusterFile f = ClusterFile.parse(TEXT);
        ClusterConfig flags = ClusterConfig.alone().withHost("h2");
        ClusterConfig c = f.complete(flags, true, false, false);
        assertEquals("10.0.0.2", c.bind());
        assertEquals(25520, c.port());
        assertEquals(List.of("10.0.0.1:25520", "10.0.0.2:25520", "10.0.0.3:25520"), c.seeds());
        ClusterConfig own = f.complete(flags.withAddress("10.9.9.9:1").withSeeds(List.of("10.0.0.3:25520")), true, true, true);
        assertEquals("10.9.9.9", own.bind());
        assertEquals(List.of("10.0.0.3:25520"), own.seeds());
    }

    @Test
    void aHostThatIsNotListedIsRefused() {
        ClusterFile f = new ClusterFile(Map.of("h1", "10.0.0.1:25520"));
        assertEquals("host h9 is not in cluster.conf (h1)",
                assertThrows(IllegalArgumentException.class, () -> f.complete(ClusterConfig.alone().withHost("h9"), true, false, false)).getMessage());
        assertEquals("host mybox is not in cluster.conf (h1): start the agent with --host NAME",
                assertThrows(IllegalArgumentException.class, () -> f.complete(ClusterConfig.alone().withHost("mybox"), false, false, false)).getMessage());
    }
}
