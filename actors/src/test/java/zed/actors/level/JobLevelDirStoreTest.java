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

    /** A snapshot from another host is received into a pool: on the dir store it is refused at the push, at its source. */
    @org.junit.jupiter.api.Test
    void aModelFromAnotherHostsSnapshotIsRefusedAtItsSourceOnTheDirStore() throws Exception {
        String zedfile = zedfile("8G", "print('never')\n", "").replace("requires = { vram = \"8G\" }",
                "requires = { vram = \"8G\" }\n  source {\n    host     = \"h1\"\n    snapshot = \"models/base@v1\"\n  }");
        LevelCommand.Refused refused = assertInstanceOf(LevelCommand.Refused.class, push(zedfile));
        zed.config.Diagnostic d = refused.errors().get(0);
        assertEquals(java.util.List.of(9, 3), java.util.List.of(d.pos().line(), d.pos().col()), refused.errors().toString());
        assertEquals("model \"m\": source { host, snapshot } is received into a ZFS pool, and this level keeps its datasets in the dir store (no pool): "
                + "use source { path = ... }, or run the level on a pool", d.message());
        org.junit.jupiter.api.Assertions.assertFalse(level.getState().exists(), "nothing was accepted");
    }
}
