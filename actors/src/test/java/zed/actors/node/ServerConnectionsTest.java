package zed.actors.node;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServerConnectionsTest {
    @Test
    void fiftyHostsNeedMoreThanPostgresDefault() {
        String said = ServerConnections.shortfall(50, 100, 3).orElseThrow();
        assertTrue(said.contains("room for 97, and the 50 hosts of cluster.conf may hold 100 at once"), said);
        assertTrue(said.contains("ALTER SYSTEM SET max_connections = 113;"), said);
    }

    @Test
    void aClusterThatFitsIsToldNothing() {
        assertEquals(Optional.empty(), ServerConnections.shortfall(3, 100, 3));
        assertEquals(Optional.empty(), ServerConnections.shortfall(43, 100, 3), "86 + 10 spare of 97");
        assertTrue(ServerConnections.shortfall(44, 100, 3).isPresent(), "88 + 10 spare > 97");
        assertEquals(Optional.empty(), ServerConnections.shortfall(50, 150, 3));
        assertEquals(Optional.empty(), ServerConnections.shortfall(0, 100, 3), "no cluster.conf: the size is unknown");
    }
}
