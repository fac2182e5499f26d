package zed.reconciler.store;

import zed.reconciler.ops.AuditLog;
import zed.reconciler.ops.OpsRules;
import zed.reconciler.ops.OpsServer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** A real zed ops in the test's JVM (as root): its socket {@code dir/run/ops.sock}, its audit log {@code dir/audit.log}. */
final class TestOps {
    private TestOps() {
    }

    static OpsServer start(Path dir, List<String> roots) throws IOException {
        OpsServer ops = new OpsServer(dir.resolve("run/ops.sock"), null, Set.of(), new OpsRules(roots, List.of()),
                new AuditLog(dir.resolve("audit.log")), p -> ZfsStore.probe(new ProcessCommand(), p));
        ops.start();
        return ops;
    }
}
