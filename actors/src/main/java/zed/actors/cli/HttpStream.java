package zed.actors.cli;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 GET whose answer is read line by line as it comes (the node's event stream), over a socket of its own.
 *
 * <p>Not HttpURLConnection, whose other requests the CLI makes: its close waits for a read blocked in another thread
 * to return, which on an idle stream is the next heartbeat, ten seconds away. Closing this one closes the socket, and
 * the blocked read ends at once.
 */
final class HttpStream implements AutoCloseable {
    private final Socket socket;
    private final BufferedReader reader;

    private HttpStream(Socket socket, BufferedReader reader) {
        this.socket = socket;
        this.reader = reader;
    }

    /**
     * Sends the GET and reads the answer's head.
     *
     * @throws IOException when the node is not there, or answers anything but 200
     */
    static HttpStream get(URI uri, Map<String, String> headers, int connectTimeoutMs, int headTimeoutMs) throws IOException {
        if (!"http".equals(uri.getScheme())) throw new IOException("the event stream needs an http:// node address, not " + uri);
        String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1) : uri.getHost();
        int port = uri.getPort() > 0 ? uri.getPort() : 80;
        Socket s = new Socket(Proxy.NO_PROXY);
        try {
            s.connect(new InetSocketAddress(host, port), connectTimeoutMs);
            StringBuilder head = new StringBuilder("GET ").append(uri.getRawPath())
                    .append(uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()).append(" HTTP/1.1\r\n")
                    .append("Host: ").append(uri.getRawAuthority()).append("\r\n")
                    .append("Connection: close\r\n");
            headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            OutputStream out = s.getOutputStream();
            out.write(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();

            s.setSoTimeout(headTimeoutMs);
            InputStream in = new BufferedInputStream(s.getInputStream());
            String status = line(in);
            String[] parts = status.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/")) throw new IOException("not an HTTP answer: " + status);
            boolean chunked = false;
            for (String h = line(in); !h.isEmpty(); h = line(in)) {
                String lower = h.toLowerCase(Locale.ROOT);
                if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) chunked = true;
            }
            if (!parts[1].equals("200")) throw new IOException("the node's event stream answered HTTP " + parts[1]);
            s.setSoTimeout(0); // the body may be quiet for as long as it likes: the caller's deadline ends it
            InputStream body = chunked ? new Chunked(in) : in;
            return new HttpStream(s, new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8)));
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** The next line of the body, or null at its end. */
    String next() throws IOException {
        return reader.readLine();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closed is closed
        }
    }

    /** A line of the head, without its CRLF. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) throw new EOFException("the node closed the connection in the head of its answer");
            if (c != '\r') b.write(c);
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    /** A chunked body (RFC 9112, 7.1): size in hex, CRLF, that many bytes, CRLF; a chunk of size 0 ends it. */
    static final class Chunked extends InputStream {
        private final InputStream in;
        private long left;
        private boolean ended;

        Chunked(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (ended) return -1;
            if (left == 0) {
                String size = line(in);
                int semi = size.indexOf(';'); // chunk extensions are allowed, and mean nothing here
                left = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).strip(), 16);
                if (left == 0) {
                    ended = true; // trailers, if any, are not read: the connection closes after this answer
                    return -1;
                }
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) throw new EOFException("the node closed the connection in the middle of a chunk");
            left -= n;
            if (left == 0) line(in); // the CRLF after the chunk's data
            return n;
        }

        @Override
        public int available() throws IOException {
            return ended ? 0 : (int) Math.min(left, in.available());
        }
    }
}
