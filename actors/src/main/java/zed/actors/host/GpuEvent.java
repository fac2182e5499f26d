package zed.actors.host;

import zed.reconciler.gpu.Gpu;

/**
 * What a GPU node publishes on the node's Pekko EventStream. Subscribe with
 * {@code system.eventStream().tell(new EventStream.Subscribe<>(GpuEvent.class, ref))}.
 */
public sealed interface GpuEvent {
    String host();

    /** The GPU as it is now (for {@link Gone}: as it was last seen). */
    Gpu gpu();

    /** A GPU the inventory had not seen before (also every GPU at a node's start). */
    record Appeared(String host, Gpu gpu) implements GpuEvent {
    }

    /** Its facts changed: a new driver, another index, less memory. */
    record Changed(String host, Gpu before, Gpu gpu) implements GpuEvent {
    }

    /** The inventory no longer finds it. */
    record Gone(String host, Gpu gpu) implements GpuEvent {
    }
}
