package zed.actors.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.Set;

/**
 * Every API request, one JSON line each in {@code api-audit.log} of the state directory (mode 0600, only ever appended
 * to): {@code {"time", "token", "scope", "method", "path", "status"}}. The token's name, never the token; the path,
 * never the query or a body; a job's checkpoint token in its path is written {@code <job token>}.
 */
final class AuditLog {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FileChannel out;
    private final Clock clock;

    AuditLog(Path stateDir, Clock clock) {
        this.clock = clock;
        Path f = file(stateDir);
        try {
            this.out = FileChannel.open(f, Set.of(StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the audit log " + f, e);
        }
    }

    static Path file(Path stateDir) {
        return stateDir.resolve("api-audit.log");
    }

    /** @param caller null when the request showed no token the node knows */
    void record(TokenCheck.Caller caller, String method, List<String> segments, int status) {
        ObjectNode o = JSON.createObjectNode();
        o.put("time", clock.instant().toString());
        o.put("token", caller == null ? null : caller.name());
        o.put("scope", caller == null ? null : caller.scope().word());
        o.put("method", method);
        o.put("path", path(segments));
        o.put("status", status);
        ByteBuffer line = ByteBuffer.wrap((o + "\n").getBytes(StandardCharsets.UTF_8));
        try {
            synchronized (out) {
                while (line.hasRemaining()) out.write(line);
            }
        } catch (IOException e) {
            // the request was served: its answer goes out, and the node's log says the audit lost it
            System.err.println("zed: cannot append to the audit log: " + e.getMessage());
        }
    }

    /** The path as the request's decoded segments, a job's checkpoint token replaced. */
    static String path(List<String> segments) {
        if (segments.size() == 3 && segments.get(0).equals("v1") && segments.get(1).equals("checkpoints")) return "/v1/checkpoints/<job token>";
        return "/" + String.join("/", segments.stream().map(s -> s.replace("/", "%2F")).toList());
    }
}
