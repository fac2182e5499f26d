package zed.reconciler.store;

import zed.reconciler.replica.Replicas;

import java.time.Duration;
import java.util.List;

/** The {@link Replicas} contract on zfs itself: the single-process mode, and what zed ops runs for an agent. */
class ZfsReplicasTest extends ReplicasContract {
    @Override
    Replicas replicas(List<String> roots) {
        return new ZfsReplicas(store, Duration.ofMinutes(2));
    }
}
