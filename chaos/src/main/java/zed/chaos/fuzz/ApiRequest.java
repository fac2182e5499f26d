package zed.chaos.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One request as the API fuzzer sends it: over a raw socket, so that it may be malformed in every way a client can
 * get it wrong. What only the running node knows stands in it as placeholders ({@link #PORT}, {@link #TOKEN},
 * {@link #DIR}), so that a request kept as a regression replays on any node. Equal by content.
 */
public record ApiRequest(String method, String target, List<Header> headers, byte[] body) {
    public static final String PORT = "__PORT__";
    public static final String TOKEN = "__TOKEN__";
    public static final String DIR = "__DIR__";

    public record Header(String name, String value) {
    }

    /** What the placeholders stand for on the node under test. */
    public record Node(int port, String token, String dir) {
        String fill(String s) {
            return s.replace(PORT, String.valueOf(port)).replace(TOKEN, token).replace(DIR, dir);
        }
    }

    public ApiRequest {
        headers = List.copyOf(headers);
        body = body.clone();
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    public ApiRequest withMethod(String m) {
        return new ApiRequest(m, target, headers, body);
    }

    public ApiRequest withTarget(String t) {
        return new ApiRequest(method, t, headers, body);
    }

    public ApiRequest withBody(byte[] b) {
        return new ApiRequest(method, target, headers, b);
    }

    /** Without any header of that name; then with {@code value}, when it is not null. */
    public ApiRequest withHeader(String name, String value) {
        List<Header> hs = new ArrayList<>();
        for (Header h : headers) if (!h.name().equalsIgnoreCase(name)) hs.add(h);
        if (value != null) hs.add(new Header(name, value));
        return new ApiRequest(method, target, hs, body);
    }

    public ApiRequest plusHeader(String name, String value) {
        List<Header> hs = new ArrayList<>(headers);
        hs.add(new Header(name, value));
        return new ApiRequest(method, target, hs, body);
    }

    /** The value of the first header of that name, or null. */
    public String header(String name) {
        for (Header h : headers) if (h.name().equalsIgnoreCase(name)) return h.value();
        return null;
    }

    public long count(String name) {
        return headers.stream().filter(h -> h.name().equalsIgnoreCase(name)).count();
    }

    public boolean head() {
        return method.equals("HEAD");
    }

    /** The event stream answers forever: its status and headers are all a client waits for. */
    public boolean stream() {
        return target.contains("/v1/events");
    }

    /**
     * The bytes on the wire: the request line, the headers, a Content-Length that fits the body unless the request
     * sets its own length or a transfer encoding, and {@code Connection: close}, so that every answer ends.
     */
    public byte[] wire(Node node) {
        StringBuilder sb = new StringBuilder();
        sb.append(node.fill(method)).append(' ').append(node.fill(target)).append(" HTTP/1.1\r\n");
        for (Header h : headers) sb.append(node.fill(h.name())).append(": ").append(node.fill(h.value())).append("\r\n");
        if (header("Content-Length") == null && header("Transfer-Encoding") == null) sb.append("Content-Length: ").append(filledBody(node).length).append("\r\n");
        sb.append("Connection: close\r\n\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(sb.toString().getBytes(StandardCharsets.UTF_8));
        out.writeBytes(filledBody(node));
        return out.toByteArray();
    }

    /**
     * The body with the placeholders filled in, byte for byte elsewhere (it need not be UTF-8); a well-framed chunked
     * body keeps its framing ({@link ChunkedBody}).
     */
    byte[] filledBody(Node node) {
        String te = header("Transfer-Encoding");
        if (te != null && te.toLowerCase(java.util.Locale.ROOT).contains("chunked")) {
            byte[] framed = ChunkedBody.fill(body, chunk -> filled(chunk, node));
            if (framed != null) return framed;
        }
        return filled(body, node);
    }

    private static byte[] filled(byte[] b, Node node) {
        for (String[] p : List.of(new String[]{DIR, node.dir()}, new String[]{TOKEN, node.token()}, new String[]{PORT, String.valueOf(node.port())})) {
            b = replace(b, p[0].getBytes(StandardCharsets.US_ASCII), p[1].getBytes(StandardCharsets.UTF_8));
        }
        return b;
    }

    private static byte[] replace(byte[] b, byte[] what, byte[] with) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(b.length);
        int i = 0;
        while (i < b.length) {
            if (i + what.length <= b.length && Arrays.equals(b, i, i + what.length, what, 0, what.length)) {
                out.writeBytes(with);
                i += what.length;
            } else {
                out.write(b[i++]);
            }
        }
        return out.toByteArray();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ApiRequest r && method.equals(r.method) && target.equals(r.target) && headers.equals(r.headers) && Arrays.equals(body, r.body);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * method.hashCode() + target.hashCode()) + headers.hashCode()) + Arrays.hashCode(body);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("\n").append(method).append(' ').append(target.length() > 300 ? target.substring(0, 300) + "[...]" : target).append('\n');
        for (Header h : headers) sb.append(h.name()).append(": ").append(h.value().length() > 300 ? h.value().substring(0, 300) + "[...]" : h.value()).append('\n');
        String b = bodyText();
        sb.append('\n').append(b.length() > 2000 ? b.substring(0, 2000) + "[... " + body.length + " bytes]" : b);
        return sb.toString();
    }
}
