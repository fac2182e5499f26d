package zed.reconciler.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;

/**
 * The append-only record of what ops refused and what it destroyed: one JSON object a line (when, who, what, result).
 * Opened O_APPEND and created 0600, never through a symbolic link; each entry is forced to disk before ops answers,
 * and a destructive operation is entered before it runs (ops refuses it when the log cannot be written) and again with its result.
 */
public final class AuditLog implements AutoCloseable {
    private final FileChannel out;

    public AuditLog(Path file) throws IOException {
        if (Files.isSymbolicLink(file)) throw new IOException(file + " is a symbolic link: the audit log must be a plain file");
        out = FileChannel.open(file, java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        // an existing file keeps its mode: make it 0600 whoever made it
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }

    /** Appends one entry: {@code peer} (the client's user), the request, and its result ("ok", "refused: ..." or "failed: ..."). */
    public synchronized void write(String peer, JsonNode request, String result) throws IOException {
        ObjectNode e = Frames.JSON.createObjectNode();
        e.put("at", Instant.now().toString());
        e.put("peer", peer);
        if (request != null) e.set("request", withoutValues(request));
        e.put("result", result);
        out.write(ByteBuffer.wrap((Frames.JSON.writeValueAsString(e) + "\n").getBytes(StandardCharsets.UTF_8)));
        out.force(false);
    }

    /**
     * A service's environment and its rendered files may hold its secrets: the log names the variables and the file,
     * never their values.
     */
    static JsonNode withoutValues(JsonNode request) {
        boolean env = request.has("env") && request.get("env").isObject();
        if (!env && !request.has("body")) return request;
        ObjectNode copy = request.deepCopy();
        if (env) {
            ObjectNode names = copy.putObject("env");
            request.get("env").fieldNames().forEachRemaining(k -> names.put(k, "(not logged)"));
        }
        if (request.has("body")) copy.put("body", "(not logged)");
        return copy;
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
