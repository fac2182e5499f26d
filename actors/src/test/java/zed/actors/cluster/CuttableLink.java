package zed.actors.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay to the test's PostgreSQL that the test can cut: once cut, every connection is dropped as it comes and
 * the open ones are dropped, as for a node that lost its way to the database while the database itself stays up for
 * others; healed, it relays again.
 */
final class CuttableLink implements AutoCloseable {
    private final ServerSocket server;
    private final String host;
    private final int port;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile boolean severed;

    CuttableLink(String host, int port) throws IOException {
        this.host = host;
        this.port = port;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        daemon("link-accept", this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    void cut() {
        severed = true;
        open.forEach(CuttableLink::quietly);
    }

    void heal() {
        severed = false;
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing: nothing to do
        }
        open.forEach(CuttableLink::quietly);
    }

    private static void quietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                if (severed) {
                    quietly(client);
                    continue;
                }
                Socket db = new Socket(host, port);
                open.add(client);
                open.add(db);
                daemon("link-up", () -> pump(client, db));
                daemon("link-down", () -> pump(db, client));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private static void pump(Socket from, Socket to) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException cut) {
            // either side gone: drop both below
        } finally {
            quietly(from);
            quietly(to);
        }
    }

    private static void daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }
}
