package zed.actors.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line's HTTP: a chunked answer read as it comes, and a close that does not wait for the next chunk. */
class HttpCallTest {
    final ServerSocket server = server();
    final CompletableFuture<String> request = new CompletableFuture<>();

    static ServerSocket server() {
        try {
            return new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @AfterEach
    void close() throws IOException {
        server.close();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort() + "/v1/events?level=a%2Fb");
    }

    /** Answers one connection with {@code answer} and then keeps it open, as an idle event stream is. */
    Socket answer(String answer) throws Exception {
        Socket s = server.accept();
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) head.append((char) in.read());
        request.complete(head.toString());
        OutputStream out = s.getOutputStream();
        out.write(answer.getBytes(StandardCharsets.UTF_8));
        out.flush();
        return s;
    }

    @Test
    void chunksAreReadAsTheyComeAndCloseEndsABlockedReadAtOnce() throws Exception {
        CompletableFuture<Socket> served = CompletableFuture.supplyAsync(() -> {
            try {
                return answer("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "10\r\nid: 7\ndata: {}\n\n\r\n" + "6;ext=1\r\ndata:\n\r\n" + "1\r\n\n\r\n");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        try (HttpCall s = HttpCall.send(uri(), "GET", Map.of("Authorization", "Bearer t0ken"), null, 2000, 2000).unbounded()) {
            String head = request.get(10, TimeUnit.SECONDS);
            assertTrue(head.startsWith("GET /v1/events?level=a%2Fb HTTP/1.1\r\nHost: 127.0.0.1:" + server.getLocalPort() + "\r\n"), head);
            assertTrue(head.contains("\r\nAuthorization: Bearer t0ken\r\n"), head);
            assertEquals("id: 7", s.next());
            assertEquals("data: {}", s.next());
            assertEquals("", s.next());
            assertEquals("data:", s.next());
            assertEquals("", s.next());
            // nothing more comes: a reader blocks, and closing the stream ends it without waiting for the server
            CompletableFuture<Object> blocked = CompletableFuture.supplyAsync(() -> {
                try {
                    return s.next();
                } catch (IOException e) {
                    return e;
                }
            });
            assertThrows(java.util.concurrent.TimeoutException.class, () -> blocked.get(200, TimeUnit.MILLISECONDS));
            s.close();
            blocked.get(5, TimeUnit.SECONDS);
        } finally {
            served.get(10, TimeUnit.SECONDS).close();
        }
    }

    @Test
    void aBodyGoesWithItsLengthAndAnAnswerOfAKnownLengthIsReadWhole() throws Exception {
        CompletableFuture<Socket> served = CompletableFuture.supplyAsync(() -> {
            try {
                return answer("HTTP/1.1 409 Conflict\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n{\"errors\":[]}");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        byte[] body = "{\"target\":\"@rev:1\"}".getBytes(StandardCharsets.UTF_8);
        try (HttpCall c = HttpCall.send(uri(), "POST", Map.of("Content-Type", "application/json"), body, 2000, 2000)) {
            assertEquals(409, c.status());
            assertEquals("{\"errors\":[]}", c.text(), "read to its length, though the server keeps the connection open");
            String head = request.get(10, TimeUnit.SECONDS);
            assertTrue(head.startsWith("POST /v1/events?level=a%2Fb HTTP/1.1\r\n"), head);
            assertTrue(head.contains("\r\nContent-Length: " + body.length + "\r\n"), head);
        } finally {
            served.get(10, TimeUnit.SECONDS).close();
        }
    }

    @Test
    void somethingThatIsNotHttpIsAnError() {
        CompletableFuture.runAsync(() -> {
            try {
                answer("SSH-2.0-OpenSSH_9.2\r\n").close();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        IOException e = assertThrows(IOException.class, () -> HttpCall.send(uri(), "GET", Map.of(), null, 2000, 2000));
        assertTrue(e.getMessage().startsWith("not an HTTP answer from 127.0.0.1:"), e.getMessage());
    }

    @Test
    void theEndOfAChunkedBodyIsTheEndOfTheStream() throws Exception {
        CompletableFuture.runAsync(() -> {
            try {
                answer("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\na\nbc\n\r\n0\r\n\r\n");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        try (HttpCall s = HttpCall.send(uri(), "GET", Map.of(), null, 2000, 2000)) {
            assertEquals("a", s.next());
            assertEquals("bc", s.next());
            assertEquals(null, s.next());
        }
    }
}
