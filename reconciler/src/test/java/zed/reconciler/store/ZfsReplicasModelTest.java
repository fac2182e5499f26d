package zed.reconciler.store;

import zed.reconciler.replica.Replicas;

import java.time.Duration;
import java.util.List;

/** A model's receive on zfs itself. */
class ZfsReplicasModelTest extends ReplicasModelContract {
    @Override
    Replicas replicas(List<String> roots) {
        return new ZfsReplicas(store, Duration.ofMinutes(2));
    }
}
