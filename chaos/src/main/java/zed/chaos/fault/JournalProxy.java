package zed.chaos.fault;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy between a node and its PostgreSQL, for an outage the test controls without stopping the database
 * others may be using: {@link #cut} drops every connection and refuses new ones, as a database that went away does;
 * {@link #restore} lets them through again. Loopback only.
 */
public final class JournalProxy implements AutoCloseable {
    private final String bind;
    private final String host;
    private final int target;
    private final int port;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile ServerSocket server;

    public JournalProxy(String host, int target) throws IOException {
        this("127.0.0.1", host, target);
    }

    /** Listening on {@code bind} (e.g. a bridge's address, for nodes in network namespaces of their own). */
    public JournalProxy(String bind, String host, int target) throws IOException {
        this.bind = bind;
        this.host = host;
        this.target = target;
        try (ServerSocket s = new ServerSocket(0)) {
            this.port = s.getLocalPort();
        }
        restore();
    }

    public int port() {
        return port;
    }

    /** Drops every connection and refuses new ones. */
    public synchronized void cut() throws IOException {
        if (server != null) server.close();
        server = null;
        for (Socket s : open) s.close();
        open.clear();
    }

    /** Accepts again, on the same port. */
    public synchronized void restore() throws IOException {
        if (server != null) return;
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(bind, port));
        server = s;
        Thread accept = new Thread(() -> accept(s), "journal-proxy-accept");
        accept.setDaemon(true);
        accept.start();
    }

    private void accept(ServerSocket s) {
        while (!s.isClosed()) {
            try {
                Socket client = s.accept();
                Socket db = new Socket(host, target);
                open.add(client);
                open.add(db);
                pump(client, db);
                pump(db, client);
            } catch (IOException closed) {
                // cut, or the database refused: the client sees its connection go
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) > 0) out.write(buf, 0, n);
            } catch (IOException gone) {
                // either side went away
            } finally {
                try {
                    from.close();
                    to.close();
                } catch (IOException ignored) {
                    // already closed
                }
            }
        }, "journal-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        cut();
    }
}
