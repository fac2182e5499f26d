package zed.actors;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.reconciler.jail.Bwrap;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A real node with a real bubblewrap jail: the jail is a resource of its own, and a jail removed behind Zed's back comes back. */
class JailNodeTest {
    @TempDir
    Path state;
    TestNode node;

    @BeforeEach
    void bwrap() {
        Bwrap.require();
    }

    @AfterEach
    void stop() throws Exception {
        if (node != null) node.close();
    }

    @Test
    void aJailRemovedBehindZedsBackIsMadeAgainAndReported() throws Exception {
        node = TestNode.start(state);
        node.push("shop", "shop", null, """
                level "shop" {}
                update {
                  min_healthy_time = "500ms"
                }
                dataset "jails/web" {}
                jail "web" {
                  dataset  = "jails/web"
                  hostname = "web.local"
                }
                service "exec" "web" {
                  jail    = "web"
                  runtime { cmd = ["/bin/sh", "-c", "while true; do sleep 1; done"] }
                }
                """);
        JsonNode status = node.converged("shop", 1);
        JsonNode jail = node.await("shop", s -> {
            for (JsonNode r : s.get("resources")) if (r.get("kind").asText().equals("jail")) return r.get("state").asText().equals("converged");
            return false;
        }, "the jail to be reported converged");
        assertTrue(jail.toString().contains("\"name\":\"web\""), jail.toString());

        Path conf = state.resolve("jails/web.conf");
        assertTrue(Files.exists(conf), "the bwrap driver's jail configuration");
        Files.delete(conf);
        JsonNode e = node.event("shop", x -> x.get("type").asText().equals("DriftCorrected") && x.get("resource").asText().equals("jail.web"));
        assertEquals("was gone", e.get("what").asText());
        assertTrue(Files.exists(conf), "made again");
        assertEquals("Converged", node.get("/v1/levels/shop").get("state").asText(), status.toString());

        // stopping the level ends the sandboxed command too, though bwrap runs it in a session of its own
        long pid = 0;
        for (JsonNode r : node.get("/v1/levels/shop").get("resources")) if (r.get("kind").asText().equals("service")) pid = r.get("pid").asLong();
        java.util.List<ProcessHandle> sandbox = ProcessHandle.of(pid).orElseThrow().descendants().toList();
        assertTrue(!sandbox.isEmpty(), "bwrap's children");
        assertEquals(200, node.send("DELETE", "/v1/levels/shop", null).status());
        for (ProcessHandle p : sandbox) {
            node.await("shop", s -> !p.isAlive(), "sandboxed pid " + p.pid() + " to end with its service");
        }
    }
}
