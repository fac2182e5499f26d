package zed.actors.level;

import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** The same jobs on the node's dir store (a host without ZFS): checkpoints are its snapshots, a rollback its copy. */
class JobLevelDirStoreTest extends JobLevelTest {
    @Override
    String pool() {
        return "";
    }

    /** The dir store records a quota and enforces none: the same weights are copied whole, and the job runs on them. */
    @Override
    @org.junit.jupiter.api.Test
    void aModelCopyThatFillsItsDatasetFailsTheRevisionAsNoSpaceAndItsJobNeverStarts() throws Exception {
        LevelCommand.Pushed pushed = push(weightsOverQuota());
        assertInstanceOf(LevelCommand.Accepted.class, pushed, pushed.toString());
        awaitJob(r -> r.state().equals("Succeeded"));
        assertEquals(4 << 20, Files.size(store.mountpoint(dataset("models/m")).resolve("big.bin")));
        assertEquals(1, events(LevelEvent.ModelCopied.class).size());
    }
}
