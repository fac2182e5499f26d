package zed.actors.level;

/** The same jobs on the node's dir store (a host without ZFS): checkpoints are its snapshots, a rollback its copy. */
class JobLevelDirStoreTest extends JobLevelTest {
    @Override
    String pool() {
        return "";
    }
}
