package zed.actors.replica;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.stream.javadsl.StreamConverters;
import zed.reconciler.model.ModelReceive;
import zed.reconciler.replica.ReplicaPlan;
import zed.reconciler.replica.Replicas;

import java.io.InputStream;
import java.util.List;

/**
 * The receiving side of a model's {@code source { host, snapshot }}: asks the source host's {@link ReplicaReceiver}
 * for the snapshot ({@link ReplicaReceiver.Offer}) and receives it into {@link ModelReceive#received}, in full the
 * first time and as an increment after, over the cluster's own channel as replication's streams are.
 */
public final class ModelFromHost {
    private ModelFromHost() {
    }

    /**
     * Blocking (on the zfs executor).
     *
     * @param snapshot "models/base@v1", relative to {@code host}'s pool
     * @param target   where it lands in this host's pool
     * @return the snapshot's guid
     * @throws IllegalStateException naming the host and what it lacks, when nothing could be received
     */
    public static String receive(ActorSystem<?> system, String host, String snapshot, Replicas replicas, String target) {
        List<String> held = replicas.target(target).snapshots().stream().map(ReplicaPlan.Snap::guid).toList();
        ReplicaReceiver.Offered o = ReplicaSender.await(AskPattern.ask(ReplicaSender.receiver(system, host),
                        r -> new ReplicaReceiver.Offer(ModelReceive.dataset(snapshot), ModelReceive.snapshotName(snapshot), held, r), ReplicaSender.ASK, system.scheduler()),
                "host " + host + " did not answer for " + snapshot + " within " + ReplicaSender.ASK.toSeconds() + "s");
        if (o.error() != null) throw new IllegalStateException("host " + host + " " + o.error());
        if (o.step() == null) {
            replicas.receiveModel(target, new ReplicaPlan.UpToDate(ModelReceive.snapshotName(snapshot)), null, host);
        } else {
            InputStream in = o.bytes().getSource().runWith(StreamConverters.asInputStream(ReplicaReceiver.QUIET), system);
            replicas.receiveModel(target, o.step().step(), in, host);
        }
        return o.guid();
    }
}
