package zed.actors.cli;

import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
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
 * One HTTP/1.1 request to the node and its answer, on a connection of its own ({@code Connection: close}). The body is
 * read whole ({@link #text()}) or line by line as it comes ({@link #next()}, the event stream).
 *
 * <p>The JDK's clients cost a short-lived command more than the call: java.net.http sets up TLS and a selector thread
 * when it is built, even for plain http; HttpURLConnection looks for URL handler providers on the whole class path
 * (which opens the node's jar) and, on an event stream, its close waits for a read blocked in another thread to
 * return, which is the next heartbeat, ten seconds away. The node's answers are simple: a length, or chunks.
 * Closing a call closes its socket, and a blocked read ends at once.
 */
final class HttpCall implements AutoCloseable {
    private final Socket socket;
    private final int status;
    private final InputStream body;
    private BufferedReader lines;

    private HttpCall(Socket socket, int status, InputStream body) {
        this.socket = socket;
        this.status = status;
        this.body = body;
    }

    /**
     * Sends the request and reads the head of the answer.
     *
     * @param body null for none
     * @throws IOException when the node is not there or does not answer in HTTP within {@code readTimeoutMs}
     */
    static HttpCall send(URI uri, String method, Map<String, String> headers, byte[] body, int connectTimeoutMs, int readTimeoutMs)
            throws IOException {
        return send(uri, method, headers, body, connectTimeoutMs, readTimeoutMs, () -> (SSLSocketFactory) SSLSocketFactory.getDefault());
    }

    /** The same, on an https:// node with the certificates {@code trust} trusts (asked for only then). */
    static HttpCall send(URI uri, String method, Map<String, String> headers, byte[] body, int connectTimeoutMs, int readTimeoutMs,
                         java.util.function.Supplier<SSLSocketFactory> trust) throws IOException {
        boolean tls = "https".equals(uri.getScheme());
        if (!tls && !"http".equals(uri.getScheme())) throw new IOException("not an http:// or https:// address: " + uri);
        String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1) : uri.getHost();
        int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
        Socket s = new Socket(Proxy.NO_PROXY);
        try {
            s.connect(new InetSocketAddress(host, port), connectTimeoutMs);
            s.setSoTimeout(readTimeoutMs);
            if (tls) s = secure(trust.get(), s, host, port);
            StringBuilder head = new StringBuilder(method).append(' ').append(uri.getRawPath())
                    .append(uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()).append(" HTTP/1.1\r\n")
                    .append("Host: ").append(uri.getRawAuthority()).append("\r\n")
                    .append("Connection: close\r\n");
            headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            if (body != null) head.append("Content-Length: ").append(body.length).append("\r\n");
            OutputStream out = s.getOutputStream();
            out.write(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) out.write(body);
            out.flush();

            InputStream in = new BufferedInputStream(s.getInputStream());
            String statusLine = line(in);
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/") || !parts[1].matches("\\d{3}")) {
                throw new IOException("not an HTTP answer from " + uri.getRawAuthority() + ": " + statusLine);
            }
            boolean chunked = false;
            long length = -1;
            for (String h = line(in); !h.isEmpty(); h = line(in)) {
                String lower = h.toLowerCase(Locale.ROOT);
                if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) chunked = true;
                if (lower.startsWith("content-length:")) length = Long.parseLong(lower.substring(15).strip());
            }
            // without a length or chunks, the body runs to the end of the connection
            InputStream rest = chunked ? new Chunked(in) : length >= 0 ? new Bounded(in, length) : in;
            return new HttpCall(s, Integer.parseInt(parts[1]), method.equals("HEAD") ? InputStream.nullInputStream() : rest);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** TLS over the connected socket, checking that the certificate names the host, as a browser does. */
    private static Socket secure(SSLSocketFactory factory, Socket plain, String host, int port) throws IOException {
        SSLSocket s = (SSLSocket) factory.createSocket(plain, host, port, true);
        SSLParameters p = s.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        s.setSSLParameters(p);
        s.startHandshake();
        return s;
    }

    int status() {
        return status;
    }

    /** The whole body, as UTF-8. */
    String text() throws IOException {
        return new String(body.readAllBytes(), StandardCharsets.UTF_8);
    }

    /** From now on, reads wait as long as it takes: the caller's deadline, or {@link #close()}, ends them. */
    HttpCall unbounded() throws IOException {
        socket.setSoTimeout(0);
        return this;
    }

    /** The next line of the body, or null at its end. */
    String next() throws IOException {
        if (lines == null) lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
        return lines.readLine();
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

    /** A body, read in blocks: a byte alone is a block of one. */
    private abstract static class Body extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }
    }

    /** A body of a known length. */
    static final class Bounded extends Body {
        private final InputStream in;
        private long left;

        Bounded(InputStream in, long length) {
            this.in = in;
            this.left = length;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left == 0) return -1;
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) throw new EOFException("the node closed the connection " + left + " bytes before the end of its answer");
            left -= n;
            return n;
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(left, in.available());
        }
    }

    /** A chunked body (RFC 9112, 7.1): size in hex, CRLF, that many bytes, CRLF; a chunk of size 0 ends it. */
    static final class Chunked extends Body {
        private final InputStream in;
        private long left;
        private boolean ended;

        Chunked(InputStream in) {
            this.in = in;
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
