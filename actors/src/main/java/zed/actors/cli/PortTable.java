package zed.actors.cli;

import zed.config.FlatJson;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;

/**
 * The command line's own record of {@code net::pickport()} allocations, {@code $ZED_HOME/ports.json}, so that
 * {@code zed get} gives the same port every time. (The node keeps its allocations in its journal.)
 */
final class PortTable {
    private final Path file;

    PortTable(Path zedHome) {
        this.file = zedHome.resolve("ports.json");
    }

    Map<String, Integer> load() {
        if (!Files.isRegularFile(file)) return Map.of();
        try {
            return FlatJson.readInts(file);
        } catch (IOException e) {
            // a damaged table only costs new ports, never a failed command; it is rewritten below
            System.err.println("zed: ignoring unreadable " + file + ": " + e.getMessage());
            return Map.of();
        }
    }

    /** Written to a temporary file and renamed, so that a crash never leaves half a table. */
    void save(Map<String, Integer> ports) throws IOException {
        if (ports.equals(load())) return;
        Files.createDirectories(file.getParent());
        Path tmp = Files.createTempFile(file.getParent(), "ports", ".tmp");
        try {
            FlatJson.write(tmp, new TreeMap<>(ports));
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
