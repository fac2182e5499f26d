package zed.actors.host;

import zed.actors.JsonEvent;

import java.time.Instant;

/**
 * What a host journals of its GPUs (persistence id {@code host|<name>}, tagged like a level's events, so that each is
 * on {@code /v1/events} with {@code "host"} and no {@code "level"}): only changes the inventory saw, never one per
 * inventory. {@code uuid} is empty for a GPU its source gave no UUID (then {@code vendor}, {@code name} and
 * {@code index} tell it).
 */
public sealed interface HostEvent extends JsonEvent {
    String uuid();

    /** A GPU the host had never seen ({@code back} false), or one it had lost and sees again ({@code back} true). */
    record GpuFound(String uuid, String name, String vendor, int index, long vramMb, String driver, boolean back, Instant at) implements HostEvent {
    }

    /** The inventory no longer finds a GPU it had found: removed, fallen off the bus, or its driver no longer answers. */
    record GpuLost(String uuid, String name, String vendor, int index, long vramMb, String driver, Instant at) implements HostEvent {
    }

    /** A GPU still here answers with another driver version ({@code to} empty: it no longer says which). */
    record GpuDriverChanged(String uuid, String name, String vendor, int index, String from, String to, Instant at) implements HostEvent {
    }
}
