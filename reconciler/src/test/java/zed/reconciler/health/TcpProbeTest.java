package zed.reconciler.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code health "tcp"} against real sockets on 127.0.0.1. */
class TcpProbeTest {
    private final FakeClock clock = new FakeClock().at(7);

    @Test
    void aListeningPortPasses() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = server.getLocalPort();
            assertEquals(ProbeResult.passed("connected to 127.0.0.1:" + port, FakeClock.t(7)),
                    new TcpProbe("127.0.0.1", port, Duration.ofSeconds(1)).run(clock));
        }
    }

    @Test
    void aClosedPortIsConnectionRefused() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        assertEquals(ProbeResult.failed("connection refused", FakeClock.t(7)), new TcpProbe("127.0.0.1", port, Duration.ofSeconds(1)).run(clock));
    }

    @Test
    void aListenerThatAcceptsNoMoreTimesOut() throws IOException {
        // A listener that never accepts, with its backlog full: the kernel drops further handshakes, so a connect
        // hangs until its timeout, as with a host whose service is wedged.
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.getLocalPort());
            List<Socket> held = new ArrayList<>();
            boolean full = false;
            try {
                for (int i = 0; i < 64 && !full; i++) {
                    Socket s = new Socket();
                    held.add(s);
                    try {
                        s.connect(address, 200);
                    } catch (SocketTimeoutException e) {
                        full = true;
                    }
                }
                assumeTrue(full, "this kernel kept accepting handshakes for a listener that never accepts");
                assertEquals(ProbeResult.failed("timed out after 300ms", FakeClock.t(7)),
                        new TcpProbe("127.0.0.1", server.getLocalPort(), Duration.ofMillis(300)).run(clock));
            } finally {
                for (Socket s : held) s.close();
            }
        }
    }
}
