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
}
