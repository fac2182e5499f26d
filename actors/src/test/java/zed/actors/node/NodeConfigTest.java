package zed.actors.node;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The journal URL a node opens: an H2 file writes each commit at once (KillAfterAnswerTest shows why over a real kill). */
class NodeConfigTest {
    @Test
    void theDefaultJournalWritesEachCommitAtOnce() {
        String url = NodeConfig.defaults(Path.of("/var/lib/zed")).journal();
        assertTrue(url.startsWith("jdbc:h2:file:/var/lib/zed/journal/zed;"), url);
        assertTrue(url.endsWith(";WRITE_DELAY=0"), url);
    }

    @Test
    void anH2UrlOfTheOperatorsGetsTheSameUnlessItSetsTheDelayItself() {
        assertEquals("jdbc:h2:file:/db/j;WRITE_DELAY=0", NodeConfig.durable("jdbc:h2:file:/db/j"));
        assertEquals("jdbc:h2:file:/db/j;write_delay=200", NodeConfig.durable("jdbc:h2:file:/db/j;write_delay=200"));
        assertEquals("jdbc:postgresql://db/zed", NodeConfig.durable("jdbc:postgresql://db/zed"));
    }
}
