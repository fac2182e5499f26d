package zed.reconciler.health;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Objects;

/**
 * {@code health "tcp"}: a TCP connect to {@code host:port} must succeed within the timeout. Nothing is sent; the
 * connection is closed at once.
 *
 * <p>The name is resolved before the timeout starts, as {@link InetSocketAddress} does; checks point at
 * 127.0.0.1 or a jail's address, where that costs nothing.
 */
public record TcpProbe(String host, int port, Duration timeout) implements Probe {
    public TcpProbe {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(timeout, "timeout");
        if (port < 1 || port > 65535) throw new IllegalArgumentException("port must be between 1 and 65535, not " + port);
    }

    @Override
    public ProbeResult run(Clock clock) {
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) return ProbeResult.failed("unknown host " + host, clock.now());
        try (Socket socket = new Socket()) {
            // 0 would mean "wait forever" to Socket.connect
            socket.connect(address, (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis())));
            return ProbeResult.passed("connected to " + host + ":" + port, clock.now());
        } catch (SocketTimeoutException e) {
            return ProbeResult.failed("timed out after " + Durations.format(timeout), clock.now());
        } catch (ConnectException e) {
            return ProbeResult.failed(HttpProbe.connectFailure(e.getMessage()), clock.now());
        } catch (UnknownHostException e) {
            return ProbeResult.failed("unknown host " + host, clock.now());
        } catch (IOException e) {
            return ProbeResult.failed(e.getMessage() == null ? e.toString() : e.getMessage(), clock.now());
        }
    }
}
