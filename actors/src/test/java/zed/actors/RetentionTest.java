package zed.actors;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Deploy snapshots are pruned to keep after each Converged; DELETE ?destroy=true removes what the level manages. */
class RetentionTest {
    @TempDir
    Path state;
    TestNode node;

    @AfterEach
    void stop() throws Exception {
        if (node != null) node.close();
    }

    void push(int version) throws Exception {
        node.push("shop", "project", null, """
                level "shop" {}
                snapshots {
                  keep = 1
                }
                update {
                  min_healthy_time = "300ms"
                }
                dataset "data" {}
                service "exec" "web" {
                  dataset = "data"
                  env     = { VERSION = "%d" }
                  runtime { cmd = ["/bin/sh", "-c", "while true; do sleep 1; done"] }
                }
                """.formatted(version));
        node.converged("shop", version);
    }

    List<String> snapshots() throws Exception {
        Path dir = state.resolve("store/.zed-snapshots/data");
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void retentionKeepsTheNewestAfterEachConvergedAndDestroyRemovesTheLevelsDatasets() throws Exception {
        node = TestNode.start(state);
        push(1);
        push(2);
        push(3);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (snapshots().size() != 1 || !snapshots().get(0).startsWith("zed-deploy-3-")) {
            if (System.nanoTime() > deadline) throw new AssertionError("retention did not keep exactly the newest: " + snapshots());
            Thread.sleep(100); // polling interval of a deadline wait
        }

        JsonNode destroyed = node.send("DELETE", "/v1/levels/shop?destroy=true", null).body();
        assertEquals("[\"data\"]", destroyed.get("destroyed").toString(), destroyed.toString());
        assertFalse(Files.exists(state.resolve("store/data")));
        assertTrue(snapshots().isEmpty());
    }
}
