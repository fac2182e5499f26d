package zed.actors;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An operator's rollback over HTTP: data, state and the running version come back together. */
class RollbackTest {
    @TempDir
    Path state;
    TestNode node;

    @AfterEach
    void stop() throws Exception {
        if (node != null) node.close();
    }

    String level(String greeting, String props) {
        return """
                level "shop" {}
                update {
                  min_healthy_time = "500ms"
                }
                dataset "data" {%s}
                service "exec" "web" {
                  dataset = "data"
                  env     = { GREETING = "%s" }
                  runtime { cmd = ["/bin/sh", "-c", "echo $GREETING > %s; while true; do sleep 1; done"] }
                }
                """.formatted(props, greeting, state.resolve("greeting.txt"));
    }

    void push(String source) throws Exception {
        node.push("shop", "project", null, source);
    }

    @Test
    void rollingBackToARevisionBringsItsDataStateAndVersionBack() throws Exception {
        node = TestNode.start(state);
        push(level("v1", ""));
        node.converged("shop", 1);
        Path data = state.resolve("store/data/data.txt");
        Files.writeString(data, "written under v1");
        push(level("v2", " properties = { \"com.acme:tier\" = \"gold\" } "));
        node.converged("shop", 2);
        Files.writeString(data, "written under v2");
        assertEquals("v2\n", Files.readString(state.resolve("greeting.txt")));

        TestNode.Answer bad = node.send("POST", "/v1/levels/shop/rollback", "{\"target\": \"@rev:9\"}");
        assertEquals(404, bad.status());
        assertTrue(bad.body().get("errors").get(0).get("message").asText().contains("no snapshot matches @rev:9"), bad.body().toString());

        TestNode.Answer accepted = node.send("POST", "/v1/levels/shop/rollback", "{\"target\": \"@rev:1\"}");
        assertEquals(202, accepted.status(), accepted.body().toString());
        JsonNode back = node.converged("shop", 1);
        assertEquals(2, back.get("revision").asLong());
        assertEquals("written under v1", Files.readString(data));
        String props = Files.readString(state.resolve("store/data/.zed-properties.json"));
        assertTrue(props.contains("\"com.zed:rev\" : \"1\""), props);
        assertFalse(props.contains("com.acme:tier"), props);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!Files.readString(state.resolve("greeting.txt")).equals("v1\n")) {
            if (System.nanoTime() > deadline) throw new AssertionError("v1 never ran again");
            Thread.sleep(100); // polling interval of a deadline wait
        }
    }
}
