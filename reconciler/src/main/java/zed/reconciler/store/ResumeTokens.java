package zed.reconciler.store;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;

/** Where an interrupted replication's resume token is kept until the next try: a small JSON file, replaced atomically. */
public final class ResumeTokens {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;

    public ResumeTokens(Path file) {
        this.file = file;
    }

    public synchronized String get(String target) {
        return load().get(target);
    }

    public synchronized void put(String target, String token) {
        Map<String, String> m = load();
        if (token == null) m.remove(target);
        else m.put(target, token);
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), "tokens", ".tmp");
            JSON.writeValue(tmp.toFile(), m);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Map<String, String> load() {
        if (!Files.isRegularFile(file)) return new TreeMap<>();
        try {
            return JSON.readValue(file.toFile(), new TypeReference<TreeMap<String, String>>() {
            });
        } catch (IOException e) {
            return new TreeMap<>(); // a damaged file costs a full increment, never a wrong resume
        }
    }
}
