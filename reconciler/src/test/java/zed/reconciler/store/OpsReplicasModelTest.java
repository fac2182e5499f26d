package zed.reconciler.store;

import org.junit.jupiter.api.io.TempDir;
import zed.reconciler.ops.OpsReplicas;
import zed.reconciler.ops.OpsServer;
import zed.reconciler.replica.Replicas;

import java.nio.file.Path;
import java.util.List;

/** A model's receive through a real zed ops on its Unix socket, the test's datasets on the two pools its roots. */
class OpsReplicasModelTest extends ReplicasModelContract {
    @TempDir
    Path tmp;
    OpsServer ops;

    @Override
    Replicas replicas(List<String> roots) throws Exception {
        ops = TestOps.start(tmp, roots);
        return new OpsReplicas(ops.socket());
    }

    @Override
    void close() throws Exception {
        if (ops != null) ops.close();
    }
}
