package zed.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import zed.chaos.fault.AgentNode;
import zed.chaos.fault.ChaosPool;
import zed.chaos.fault.NodeCalls;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A push the node answered survives a SIGKILL right after the answer, on the default (H2 file) journal. Found by the
 * kill scenario at full count: H2 wrote its commits to the file only every half second, so a kill within that time
 * lost the revision the operator had been told about. Needs the zfs-fuse test pool.
 */
class KillAfterAnswerTest {
    private static final String LEVEL = "answered";

    @Test
    void aRevisionTheNodeAnsweredIsInTheJournalAfterAKillRightAfterTheAnswer() throws Exception {
        ChaosNeeds.zfsPool();
        Path home = Files.createTempDirectory("zed-kill-answer");
        try (ChaosPool pool = ChaosPool.fresh("answer"); AgentNode node = new AgentNode(ZedProcess.bin(), home.resolve("home"), List.of("--pool", pool.root())).start()) {
            for (int round = 1; round <= 3; round++) {
                String source = "level \"" + LEVEL + "\" {}\ndataset \"d\" {\n  properties = { \"com.acme:round\" = \"" + round + "\" }\n}\n";
                NodeCalls.Answer a = node.push(LEVEL, home.resolve("level"), source);
                assertTrue(a.ok() && a.body().path("changed").asBoolean(), "push " + round + ": " + a);
                long answered = a.body().get("revision").asLong();
                node.kill();
                node.start();
                JsonNode s = node.await(LEVEL, x -> x.path("revision").asLong() >= answered, Duration.ofSeconds(60));
                assertEquals(answered, s == null ? 0 : s.path("revision").asLong(), "round " + round + ": the node answered revision " + answered
                        + ", and after a kill its level says " + s);
                List<JsonNode> events = node.events(LEVEL, got -> got.stream().anyMatch(e -> isAccepted(e, answered)), Duration.ofSeconds(60));
                assertTrue(events.stream().anyMatch(e -> isAccepted(e, answered)), "round " + round + ": no SpecAccepted of revision " + answered
                        + " in the journal: " + events);
            }
        }
    }

    private static boolean isAccepted(JsonNode e, long revision) {
        return e.path("type").asText().equals("SpecAccepted") && e.path("revision").asLong() == revision;
    }
}
