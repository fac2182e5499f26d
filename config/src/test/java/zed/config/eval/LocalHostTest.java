package zed.config.eval;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalHostTest {
    @Test
    void aPortThatTheLevelsHoldStaysTheirsWhileItsServiceHasItBound() throws Exception {
        try (ServerSocket running = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = running.getLocalPort();
            assertFalse(new LocalHost(Map.of()).portAvailable(port), "bound by someone: not free");
            assertTrue(new LocalHost(Map.of(), Set.of(port)).portAvailable(port), "bound by our own service: still ours");
            Ports ports = new Ports(Map.of("shop|service.exec.web|vars.port", port), new LocalHost(Map.of(), Set.of(port)));
            assertTrue(ports.pick("shop|service.exec.web|vars.port") == port, "re-evaluating a running level keeps its port");
        }
    }

    @Test
    void aPortHeldOnAnotherLoopbackAddressIsNotFreeForAServiceThatBindsAllOfThem() throws Exception {
        try (ServerSocket other = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.2"))) {
            assertFalse(new LocalHost(Map.of()).portAvailable(other.getLocalPort()), "another host's service holds it on 127.0.0.2");
        }
    }

    @Test
    void aPickedPortIsFreeAndOutsideTheEphemeralRangeThatOutgoingConnectionsUse() throws Exception {
        PickRange range = PickRange.of(java.nio.file.Path.of("/proc/sys/net/ipv4/ip_local_port_range"));
        LocalHost host = new LocalHost(Map.of());
        for (int i = 0; i < 20; i++) {
            int p = host.freePort(Set.of());
            assertTrue(p >= range.first() && p <= range.last(), p + " in " + range);
            try (ServerSocket s = new ServerSocket(p)) {
                assertTrue(s.isBound());
            }
        }
    }
}
