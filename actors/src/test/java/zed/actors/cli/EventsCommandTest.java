package zed.actors.cli;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** zed events' options, before it calls any node. */
class EventsCommandTest {
    @Test
    void aLevelAndAHostTogetherAreRefusedWithoutCallingTheNode() {
        // an address where no node answers: the refusal comes first, so it is not "no node answers"
        CliRun r = CliRun.run(Map.of(), "events", "--level", "shop", "--host", "h1", "--node", "http://127.0.0.1:1");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("--level and --host name different events"), r.toString());
    }
}
