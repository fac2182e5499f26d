package zed.actors.cluster;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        assertEquals("cluster.conf:2: a line is NAME = HOST:PORT, bootstrap=PORT, not \"h2 10.0.0.2:25520\"",
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
        // the cluster's size is the file's, whatever the flags say (the split-brain resolver's timing follows it)
        assertEquals(3, c.hostsListed());
        assertEquals(3, own.hostsListed());
        assertEquals(0, flags.hostsListed(), "without the file, not known");
    }

    static final String BOOTSTRAPPED = "# written by zed cluster init: the same on every host (NAME = Artery's HOST:PORT, bootstrap=the port of "
            + "Cluster Bootstrap's endpoint on that HOST)\n"
            + "h1 = 10.0.0.1:25520, bootstrap=7626\nh2 = 10.0.0.2:25520, bootstrap=7626\nh3 = 10.0.0.3:25520, bootstrap=7626\n";

    @Test
    void withBootstrapPortsANodeFormsThroughClusterBootstrapWithEveryHostAsAContactPoint() {
        ClusterFile f = ClusterFile.parse(BOOTSTRAPPED);
        assertEquals(BOOTSTRAPPED, f.text());
        ClusterConfig c = f.complete(ClusterConfig.alone().withHost("h2"), true, false, false);
        assertEquals(List.of(), c.seeds());
        assertTrue(c.shared(), "it shares its journal with the others");
        assertEquals(new Bootstrap("10.0.0.2", 7626, List.of(new ClusterConfig.Address("10.0.0.1", 7626),
                new ClusterConfig.Address("10.0.0.2", 7626), new ClusterConfig.Address("10.0.0.3", 7626))), c.bootstrap());
        assertEquals(3, c.bootstrap().requiredContactPoints());
        assertEquals("10.0.0.2", c.bind());
        // --seed: seed nodes, as without bootstrap ports
        ClusterConfig seeded = f.complete(ClusterConfig.alone().withHost("h2").withSeeds(List.of("10.0.0.1:25520")), true, false, true);
        assertEquals(null, seeded.bootstrap());
        assertEquals(List.of("10.0.0.1:25520"), seeded.seeds());
        assertEquals(3, c.hostsListed());
        assertEquals(3, seeded.hostsListed());
        // another port for Artery is fine; another address is not where the others look for this host's endpoint
        assertEquals(25600, f.complete(ClusterConfig.alone().withHost("h2").withAddress("10.0.0.2:25600"), true, true, false).port());
        assertEquals("--cluster 10.9.9.9:1 is not h2's address in cluster.conf (10.0.0.2:25520), where the other hosts look for its bootstrap "
                        + "endpoint: leave --cluster out, or form through --seed",
                assertThrows(IllegalArgumentException.class, () -> f.complete(ClusterConfig.alone().withHost("h2").withAddress("10.9.9.9:1"), true, true, false)).getMessage());
    }

    @Test
    void bootstrapPortsAreEveryHostsOrNoneAndEachIsFree() {
        assertEquals("cluster.conf: every host names its bootstrap port, or none does (then they form through seeds); without one: h2",
                assertThrows(IllegalArgumentException.class, () -> ClusterFile.parse("h1 = 10.0.0.1:1, bootstrap=7626\nh2 = 10.0.0.2:1\n")).getMessage());
        assertEquals("cluster.conf:1: bootstrap= takes a port (1 to 65535), not \"0\"",
                assertThrows(IllegalArgumentException.class, () -> ClusterFile.parse("h1 = 10.0.0.1:1, bootstrap=0\n")).getMessage());
        assertEquals("cluster.conf:1: after the address comes \", bootstrap=PORT\" alone, not \"10.0.0.1:1, 7626\"",
                assertThrows(IllegalArgumentException.class, () -> ClusterFile.parse("h1 = 10.0.0.1:1, 7626\n")).getMessage());
        assertEquals("cluster.conf: h2's bootstrap port 7626 is h1's bootstrap port on 127.0.0.1: give it a port of its own "
                        + "(zed cluster init --host h2=127.0.0.1:25521,bootstrap=PORT)",
                assertThrows(IllegalArgumentException.class, () -> ClusterFile.parse("h1 = 127.0.0.1:25520, bootstrap=7626\nh2 = 127.0.0.1:25521, bootstrap=7626\n")).getMessage());
        assertEquals("cluster.conf: h1's bootstrap port 25521 is h2's Artery port on 127.0.0.1: give it a port of its own "
                        + "(zed cluster init --host h1=127.0.0.1:25520,bootstrap=PORT)",
                assertThrows(IllegalArgumentException.class, () -> ClusterFile.parse("h1 = 127.0.0.1:25520, bootstrap=25521\nh2 = 127.0.0.1:25521, bootstrap=7627\n")).getMessage());
        // one address, ports of their own: fine
        assertEquals(2, ClusterFile.parse("h1 = 127.0.0.1:25520, bootstrap=7626\nh2 = 127.0.0.1:25521, bootstrap=7627\n").bootstrap().size());
    }

    @Test
    void theBootstrapsConfigurationListsEveryContactPointAndServesItsRouteAlone() {
        Bootstrap b = ClusterFile.parse(BOOTSTRAPPED).complete(ClusterConfig.alone().withHost("h3"), true, false, false).bootstrap();
        com.typesafe.config.Config c = com.typesafe.config.ConfigFactory.parseString(b.config()).resolve();
        assertEquals("10.0.0.3", c.getString("pekko.management.http.hostname"));
        assertEquals(7626, c.getInt("pekko.management.http.port"));
        assertEquals("", c.getString("pekko.management.http.routes.health-checks"));
        assertEquals("config", c.getString("pekko.discovery.method"));
        List<String> endpoints = new java.util.ArrayList<>();
        for (com.typesafe.config.Config e : c.getConfigList("pekko.discovery.config.services.zed.endpoints")) {
            endpoints.add(e.getString("host") + ":" + e.getInt("port"));
        }
        assertEquals(List.of("10.0.0.1:7626", "10.0.0.2:7626", "10.0.0.3:7626"), endpoints);
        assertEquals("zed", c.getString("pekko.management.cluster.bootstrap.contact-point-discovery.service-name"));
        assertEquals(3, c.getInt("pekko.management.cluster.bootstrap.contact-point-discovery.required-contact-point-nr"));
        assertFalse(c.getBoolean("pekko.management.cluster.bootstrap.contact-point.filter-on-fallback-port"));
        assertEquals("bootstrap: 10.0.0.9:7626 is not one of the contact points [Address[host=10.0.0.1, port=7626]]",
                assertThrows(IllegalArgumentException.class, () -> new Bootstrap("10.0.0.9", 7626, List.of(new ClusterConfig.Address("10.0.0.1", 7626)))).getMessage());
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
