package zed.chaos.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Sends a request's bytes over a socket of its own and reads the answer within a deadline: the status line, the
 * headers, and the body by its length, its chunks, or to the end of the connection. An event stream is answered
 * once its status and headers came. The request is written on another thread, so that a server that answers before
 * it read the whole body (a 413) is heard, not deadlocked against.
 */
public final class Wire {
    /** How a request ended. */
    public sealed interface Outcome {
    }

    /** @param headers lower-case names; the last of each */
    public record Answer(int status, Map<String, String> headers, byte[] body) implements Outcome {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** The connection ended (or was reset) before a whole answer came. */
    public record Dropped(String why) implements Outcome {
    }

    public record Hung(Duration after, String got) implements Outcome {
    }

    private static final ExecutorService WRITERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "zed-fuzz-writer");
        t.setDaemon(true);
        return t;
    });

    private Wire() {
    }

    public static Outcome send(int port, byte[] request, boolean head, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), (int) timeout.toMillis());
            OutputStream out = s.getOutputStream();
            WRITERS.execute(() -> {
                try {
                    out.write(request);
                    out.flush();
                } catch (IOException e) {
                    // the server answered and closed before it read everything: what it answered is what counts
                }
            });
            Reader in = new Reader(s, deadline);
            try {
                return in.answer(head);
            } catch (SocketTimeoutException e) {
                return new Hung(timeout, in.seen());
            } catch (IOException e) {
                return new Dropped(e + " after " + in.seen().length() + " bytes of answer: " + in.seen());
            } catch (RuntimeException e) {
                return new Dropped("an answer that is not HTTP (" + e + "): " + in.seen());
            }
        } catch (IOException e) {
            return new Dropped("cannot connect: " + e);
        }
    }

    /** Reads one answer, skipping interim 1xx answers. */
    private static final class Reader {
        private final Socket socket;
        private final InputStream in;
        private final long deadline;
        private final ByteArrayOutputStream seen = new ByteArrayOutputStream();

        Reader(Socket socket, long deadline) throws IOException {
            this.socket = socket;
            this.in = new java.io.BufferedInputStream(socket.getInputStream(), 1 << 16);
            this.deadline = deadline;
        }

        String seen() {
            String s = seen.toString(StandardCharsets.UTF_8);
            return s.length() > 500 ? s.substring(0, 500) + "[...]" : s;
        }

        private int read() throws IOException {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) throw new SocketTimeoutException("deadline");
            socket.setSoTimeout((int) Math.max(1, left));
            int b = in.read();
            if (b >= 0) seen.write(b);
            return b;
        }

        private String line() throws IOException {
            StringBuilder sb = new StringBuilder();
            while (true) {
                int b = read();
                if (b < 0) throw new IOException("the connection closed");
                if (b == '\n') return sb.toString().stripTrailing();
                sb.append((char) b);
            }
        }

        Outcome answer(boolean head) throws IOException {
            while (true) {
                String status = line();
                String[] parts = status.split(" ", 3);
                if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) return new Dropped("not an HTTP answer: " + status);
                int code = Integer.parseInt(parts[1]);
                Map<String, String> headers = new LinkedHashMap<>();
                for (String h = line(); !h.isEmpty(); h = line()) {
                    int colon = h.indexOf(':');
                    if (colon > 0) headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
                }
                if (code >= 100 && code < 200) continue;
                return new Answer(code, headers, body(code, headers, head));
            }
        }

        private byte[] body(int code, Map<String, String> headers, boolean head) throws IOException {
            if (head || code == 204 || code == 304) return new byte[0];
            if (headers.getOrDefault("content-type", "").startsWith("text/event-stream")) return new byte[0];
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            if (headers.getOrDefault("transfer-encoding", "").contains("chunked")) {
                while (true) {
                    String size = line();
                    int n = Integer.parseInt(size.split(";")[0].trim(), 16);
                    if (n == 0) {
                        while (!line().isEmpty()) {
                            // trailers
                        }
                        return body.toByteArray();
                    }
                    for (int i = 0; i < n; i++) body.write(need());
                    line();
                }
            }
            String length = headers.get("content-length");
            if (length != null) {
                long n = Long.parseLong(length);
                for (long i = 0; i < n; i++) body.write(need());
                return body.toByteArray();
            }
            for (int b = read(); b >= 0; b = read()) body.write(b);
            return body.toByteArray();
        }

        private int need() throws IOException {
            int b = read();
            if (b < 0) throw new IOException("the connection closed in the middle of the answer's body");
            return b;
        }
    }
}
