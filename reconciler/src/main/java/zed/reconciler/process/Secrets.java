package zed.reconciler.process;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import zed.config.Value;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Resolves secret references on the host, at start time, and nowhere else: a resolved value goes into a process's
 * environment or a rendered file, never into a spec, a stamp, a log line or an event.
 */
@FunctionalInterface
public interface Secrets {
    String resolve(Value.SecretRef ref);

    /** The text of a value: a string as it is, a secret with its references resolved. */
    default String text(Value v) {
        if (v instanceof Value.Str s) return s.value();
        if (v instanceof Value.Secret s) {
            StringBuilder sb = new StringBuilder();
            for (Object p : s.parts()) sb.append(p instanceof String str ? str : resolve((Value.SecretRef) p));
            return sb.toString();
        }
        if (v instanceof Value.Num n) return n.plain();
        if (v instanceof Value.Bool b) return String.valueOf(b.value());
        throw new IllegalArgumentException("not text: " + v.typeName());
    }

    /** Secrets kept as files, one per slot, in a directory only root reads: {@code <dir>/<slot>}; a field reads the file as a JSON object. */
    static Secrets files(Path dir) {
        ObjectMapper json = new ObjectMapper();
        return ref -> {
            Path f = dir.resolve(ref.slot());
            if (!f.normalize().startsWith(dir.normalize()) || !Files.isRegularFile(f)) {
                throw new IllegalStateException("secret slot \"" + ref.slot() + "\" is not set (no file " + f + ")");
            }
            try {
                String content = Files.readString(f, StandardCharsets.UTF_8);
                if (ref.field() == null) return content.strip();
                JsonNode n = json.readTree(content).get(ref.field());
                if (n == null) throw new IllegalStateException("secret slot \"" + ref.slot() + "\" has no field \"" + ref.field() + "\"");
                return n.isTextual() ? n.asText() : n.toString();
            } catch (IOException e) {
                throw new IllegalStateException("secret slot \"" + ref.slot() + "\" cannot be read: " + e.getClass().getSimpleName());
            }
        };
    }
}
