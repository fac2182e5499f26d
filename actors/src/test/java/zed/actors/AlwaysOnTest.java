package zed.actors;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A level nobody talks to keeps its resources: sharding would passivate an idle entity (after 2 minutes by default;
 * here the default is cut to 500 ms), and with it its resource actors. The test talks to the files only, never to
 * the node, while drift is put back again and again.
 */
class AlwaysOnTest {
    static final String IDLE = "pekko.cluster.sharding.passivation.default-idle-strategy.idle-entity.timeout";

    @TempDir
    Path state;
    TestNode node;

    @AfterEach
    void stop() throws Exception {
        System.clearProperty(IDLE);
        ConfigFactory.invalidateCaches();
        if (node != null) node.close();
    }

    @Test
    void anIdleLevelKeepsCorrectingDrift() throws Exception {
        System.setProperty(IDLE, "500ms");
        ConfigFactory.invalidateCaches();
        node = TestNode.start(state);
        node.push("shop", "project", null, """
                level "shop" {}
                dataset "data" {
                  properties = { "com.acme:tier" = "gold" }
                }
                """);
        node.converged("shop", 1);
        Path props = state.resolve("store/data/.zed-properties.json");
        // from here on, not one message to the level: each round is a change behind Zed's back, put back by the
        // dataset's actor; three rounds outlast the idle timeout several times over
        for (int round = 0; round < 3; round++) {
            Files.writeString(props, Files.readString(props).replace("\"gold\"", "\"silver\""));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!Files.readString(props).contains("\"com.acme:tier\" : \"gold\"")) {
                assertTrue(System.nanoTime() < deadline, "round " + round + ": the drift was not put back; is the level still running?");
                Thread.sleep(50); // polling interval of a deadline wait
            }
        }
    }
}
