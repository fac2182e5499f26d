package zed.actors.host;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import zed.reconciler.gpu.Gpu;

/**
 * One GPU of the host. For now it holds the GPU's facts (inventory only): the host inventory tells it what the
 * latest probe saw, and it publishes a {@link GpuEvent} when its GPU appears, changes or is gone.
 */
public final class GpuNodeActor extends AbstractBehavior<GpuNodeActor.Msg> {
    public sealed interface Msg {
    }

    /** Replies with the GPU's facts. */
    public record Get(ActorRef<Gpu> replyTo) implements Msg {
    }

    /** What the latest inventory saw of this GPU. */
    public record Update(Gpu gpu) implements Msg {
    }

    /** The inventory no longer finds the GPU: publish that and stop. */
    public record Vanished() implements Msg {
    }

    private final String host;
    private Gpu gpu;

    private GpuNodeActor(ActorContext<Msg> ctx, String host, Gpu gpu) {
        super(ctx);
        this.host = host;
        this.gpu = gpu;
        publish(new GpuEvent.Appeared(host, gpu));
    }

    public static Behavior<Msg> create(String host, Gpu gpu) {
        return Behaviors.setup(ctx -> new GpuNodeActor(ctx, host, gpu));
    }

    /** What one GPU is known by across probes: its UUID, else (no UUID from the source) vendor, name and place. */
    public static String key(Gpu g) {
        return HostGpus.key(g);
    }

    @Override
    public Receive<Msg> createReceive() {
        return newReceiveBuilder()
                .onMessage(Get.class, g -> {
                    g.replyTo().tell(gpu);
                    return this;
                })
                .onMessage(Update.class, this::onUpdate)
                .onMessage(Vanished.class, v -> {
                    // the node's log says so whether or not a job held it (the jobs that did journal JobPreempted)
                    getContext().getLog().warn("GPU {} is gone from host {}", zed.reconciler.gpu.GpuLoss.label(gpu), host);
                    publish(new GpuEvent.Gone(host, gpu));
                    return Behaviors.stopped();
                })
                .build();
    }

    private Behavior<Msg> onUpdate(Update u) {
        if (!u.gpu().equals(gpu)) {
            Gpu before = gpu;
            gpu = u.gpu();
            zed.reconciler.gpu.GpuLoss.changed(before, gpu).ifPresent(why -> getContext().getLog().warn("GPU {} on host {}", why, host));
            publish(new GpuEvent.Changed(host, before, gpu));
        }
        return this;
    }

    private void publish(GpuEvent e) {
        getContext().getSystem().eventStream().tell(new EventStream.Publish<>(e));
    }
}
