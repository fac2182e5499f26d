package zed.actors;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Levels below levels, on one real node: cascades, untouched siblings, and stopping a level that has children. Each
 * service's gate is 500 ms rather than the default 5 s: what is proved here is which level converges again, not how
 * long a service must stay up.
 */
class FederationTest {
    @TempDir
    Path state;
    TestNode node;

    @AfterEach
    void stop() throws Exception {
        if (node != null) node.close();
    }

    TestNode.Answer push(String id, String dir, String parent, String source) throws Exception {
        return node.push(id, dir, parent, source);
    }

    static String infra(int dbPort) {
        return """
                level "infra" {}
                update {
                  min_healthy_time = "500ms"
                }
                service "exec" "db" {
                  vars = { port = %d }
                  runtime { cmd = ["/bin/sh", "-c", "while true; do sleep 1; done"] }
                }
                """.formatted(dbPort);
    }

    static final String READS_DB = """
            level "shop" {}
            update {
              min_healthy_time = "500ms"
            }
            service "exec" "api" {
              env = { DB = service.exec.db.vars.port }
              runtime { cmd = ["/bin/sh", "-c", "while true; do sleep 1; done"] }
            }
            """;

    static final String READS_NOTHING = """
            level "blog" {}
            update {
              min_healthy_time = "500ms"
            }
            service "exec" "web" {
              runtime { cmd = ["/bin/sh", "-c", "while true; do sleep 1; done"] }
            }
            """;

    JsonNode await(String id, java.util.function.Predicate<JsonNode> ok, String what) throws Exception {
        return node.await(id, ok, what);
    }

    /** Two different ports: picked while both are held, since a port just closed may be handed out again at once. */
    final int[] ports = twoPorts();
    final int db = ports[0], db2 = ports[1];

    static int[] twoPorts() {
        try (java.net.ServerSocket a = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             java.net.ServerSocket b = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return new int[]{a.getLocalPort(), b.getLocalPort()};
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aChangedParentCascadesToTheChildThatReadItAndLeavesTheOtherAlone() throws Exception {
        node = TestNode.start(state);
        push("infra", "infra", null, infra(db));
        push("infra/shop", "infra/shop", "infra", READS_DB);
        push("infra/blog", "infra/blog", "infra", READS_NOTHING);
        await("infra", s -> s.get("state").asText().equals("Converged"), "infra to converge");
        await("infra/shop", s -> s.get("state").asText().equals("Converged"), "shop to converge after its parent");

        assertEquals(2, push("infra", "infra", null, infra(db2)).body().get("revision").asLong());
        JsonNode shop = await("infra/shop", s -> s.get("revision").asLong() == 2, "the cascade to reach shop");
        assertEquals(2, shop.get("revision").asLong());
        await("infra/shop", s -> s.get("state").asText().equals("Converged") && s.get("desiredRevision").asLong() == 2, "shop revision 2 to converge");
        assertEquals(1, node.get("/v1/levels/infra/blog").get("revision").asLong(), "blog read nothing that changed");
    }

    @Test
    void aChildHearsItsParentAfterARestartOfTheNode() throws Exception {
        node = TestNode.start(state);
        push("infra", "infra", null, infra(db));
        push("infra/shop", "infra/shop", "infra", READS_DB);
        await("infra/shop", s -> s.get("state").asText().equals("Converged"), "shop to converge");
        // children are registered with their parent in memory: a new node must register them again as it wakes them
        node.restart();
        await("infra/shop", s -> s.get("state").asText().equals("Converged"), "shop to be running again");
        assertEquals(2, push("infra", "infra", null, infra(db2)).body().get("revision").asLong());
        JsonNode shop = await("infra/shop", s -> s.get("revision").asLong() == 2, "the cascade to reach shop after the restart");
        assertEquals("infra", shop.get("parent").asText());
    }

    @Test
    void stoppingALevelWithChildrenIsRefusedUnlessItCascades() throws Exception {
        node = TestNode.start(state);
        push("infra", "infra", null, infra(db));
        push("infra/shop", "infra/shop", "infra", READS_DB);
        TestNode.Answer refused = node.send("DELETE", "/v1/levels/infra", null);
        assertEquals(409, refused.status());
        assertEquals("level infra has levels below it (infra/shop); stop them first, or ask for ?cascade=true",
                refused.body().get("errors").get(0).get("message").asText());
        assertEquals(200, node.send("DELETE", "/v1/levels/infra?cascade=true", null).status());
        assertEquals("Stopped", node.get("/v1/levels/infra/shop").get("state").asText());
        assertEquals("Stopped", node.get("/v1/levels/infra").get("state").asText());
    }
}
