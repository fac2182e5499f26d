package zed.actors.cli;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The node's event stream of one level ({@code GET /v1/events?level=ID}), read as server-sent events over
 * {@link NodeClient#stream}. The JDK has no SSE client, and pekko-http's would need an ActorSystem inside the command line (a
 * second of start-up, and the node's cluster settings to keep out), so the little of the format that the node writes
 * is read here: {@code id}, {@code event} and {@code data} fields, comments, and a blank line that ends a message.
 * A thread reads the stream as it comes; {@link #next} waits for the next message with a deadline.
 */
final class EventStream implements AutoCloseable {
    /** One message; a heartbeat (the node's keep-alive) has no id, no type and empty data. */
    record Message(String id, String type, String data) {
        boolean heartbeat() {
            return id == null && type == null && data.isEmpty();
        }
    }

    /** Put on the queue when the stream ends, so that a waiting reader wakes at once. */
    private static final Message END = new Message(null, "end of stream", "");

    private final HttpCall lines;
    private final BlockingQueue<Message> messages = new LinkedBlockingQueue<>();
    private volatile boolean ended;

    private EventStream(HttpCall lines) {
        this.lines = lines;
        Thread reader = new Thread(this::read, "zed-events");
        reader.setDaemon(true);
        reader.start();
    }

    /** Opens the level's stream; with {@code lastEventId}, strictly after that event, else from the level's first. */
    static EventStream open(NodeClient node, String level, String lastEventId) throws IOException {
        return new EventStream(node.stream("/v1/events?level=" + URLEncoder.encode(level, StandardCharsets.UTF_8), lastEventId));
    }

    private void read() {
        Parser parser = new Parser();
        try {
            for (String line; (line = lines.next()) != null; ) {
                Message m = parser.line(line);
                if (m != null) messages.add(m);
            }
        } catch (IOException | RuntimeException closed) {
            // closing the stream, or losing the node, ends the read
        } finally {
            ended = true;
            messages.add(END);
        }
    }

    /** The next message, waiting at most {@code wait}; null when none came in time or the stream has ended. */
    Message next(Duration wait) throws InterruptedException {
        Message m = messages.poll(Math.max(0, wait.toNanos()), TimeUnit.NANOSECONDS);
        if (m == END) {
            messages.add(END); // it stays ended for the next caller
            return null;
        }
        return m;
    }

    /** Whether the node closed the stream (or the connection was lost): a new one resumes after the last id seen. */
    boolean ended() {
        return ended;
    }

    @Override
    public void close() {
        lines.close();
    }

    /** Lines in, messages out, by the rules of the {@code text/event-stream} format that the node uses. */
    static final class Parser {
        private String id;
        private String type;
        private StringBuilder data;

        /** The message that this line completes (a blank line after fields), else null. */
        Message line(String line) {
            if (line.isEmpty()) {
                if (id == null && type == null && data == null) return null;
                Message m = new Message(id, type, data == null ? "" : data.toString());
                id = null;
                type = null;
                data = null;
                return m;
            }
            if (line.startsWith(":")) return null; // a comment
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) value = value.substring(1);
            switch (field) {
                case "id" -> id = value;
                case "event" -> type = value;
                case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                default -> {
                    // retry: and unknown fields are not used by the node
                }
            }
            return null;
        }
    }
}
