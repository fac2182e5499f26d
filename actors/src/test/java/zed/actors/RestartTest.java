package zed.actors;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Stop the node (terminate its ActorSystem) and start a new one on the same H2 journal: the levels recover, and the
 * running services are adopted, not started twice.
 */
class RestartTest {
    @TempDir
    Path state;
    TestNode node;

    @AfterEach
    void stop() throws Exception {
        if (node != null) node.close();
    }

    JsonNode converged() throws Exception {
        return node.await("shop", s -> s.has("state") && s.get("state").asText().equals("Converged") && s.get("resources").size() == 1
                && s.get("resources").get(0).get("pid").asLong() > 0, "shop to converge with its service running");
    }

    @Test
    void aNewNodeOnTheSameJournalRecoversTheLevelAndAdoptsItsService() throws Exception {
        node = TestNode.start(state);
        node.push("shop", "project", null, """
                level "shop" {}
                update {
                  min_healthy_time = "500ms"
                }
                service "exec" "worker" {
                  runtime { cmd = ["/bin/sh", "-c", "echo started >> started.log; while true; do sleep 1; done"] }
                }
                """);
        long pid = converged().get("resources").get(0).get("pid").asLong();

        node.stopNodeOnly();
        assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "stopping the node leaves its services running");

        node.restart();
        JsonNode after = converged();
        assertEquals(1, after.get("revision").asLong(), "recovered from the journal");
        assertEquals(pid, after.get("resources").get(0).get("pid").asLong(), "the running service was adopted");
        long twins = ProcessHandle.allProcesses().filter(h -> h.info().commandLine().map(c -> c.contains("started.log")).orElse(false)).count();
        assertEquals(1, twins, "not started twice");
    }

    @Test
    void aForcedRestartRestartsTheServicesWithoutANewRevision() throws Exception {
        node = TestNode.start(state);
        String source = """
                level "shop" {}
                update {
                  min_healthy_time = "500ms"
                }
                service "exec" "worker" {
                  runtime { cmd = ["/bin/sh", "-c", "while true; do sleep 1; done"] }
                }
                """;
        node.push("shop", "project", null, source);
        long pid = converged().get("resources").get(0).get("pid").asLong();
        java.util.Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("source", source);
        body.put("dir", state.resolve("project").toString());
        body.put("restart", true);
        JsonNode answer = node.send("PUT", "/v1/levels/shop", node.json.writeValueAsString(body)).body();
        assertEquals(false, answer.get("changed").asBoolean());
        assertEquals(true, answer.get("restarted").asBoolean());
        JsonNode after = node.await("shop", s -> s.get("state").asText().equals("Converged") && s.get("resources").get(0).get("pid").asLong() != pid
                && s.get("resources").get(0).get("pid").asLong() > 0, "a new process");
        assertEquals(1, after.get("revision").asLong(), "no new revision");
        assertTrue(!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the old process was stopped");
    }
}
