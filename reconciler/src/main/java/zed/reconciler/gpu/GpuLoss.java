package zed.reconciler.gpu;

import java.util.Optional;

/**
 * What a change of a GPU means for the jobs that hold it, free of I/O. A GPU that is gone, or whose driver changed
 * under them (a running process keeps the old driver's libraries and contexts, which the new kernel module no longer
 * serves), takes its jobs off it: each is stopped and placed again. Other changes (another index, a name, its memory
 * as reported) leave its jobs running: their GPUs are named by UUID.
 */
public final class GpuLoss {
    private GpuLoss() {
    }

    /** The GPU the inventory no longer finds: why its jobs are stopped. */
    public static String gone(Gpu gpu) {
        return label(gpu) + " is gone";
    }

    /** Why its jobs are stopped when {@code before} became {@code now}; empty when they keep running. */
    public static Optional<String> changed(Gpu before, Gpu now) {
        if (before.driver().equals(now.driver())) return Optional.empty();
        return Optional.of(label(now) + ": its driver changed from " + or(before.driver()) + " to " + or(now.driver()));
    }

    /**
     * Why a job that was taken off a GPU waits: that GPU first, then the placement's own reason (which places it
     * again every half second, so it starts once a GPU fits).
     */
    public static String waiting(String lost, String placement) {
        String prefix = "waiting for a GPU: ";
        String rest = placement.startsWith(prefix) ? placement.substring(prefix.length()) : placement;
        return prefix + lost + "; " + rest;
    }

    /** {@code GPU-6e3f… (NVIDIA A10)}: what the operator finds in nvidia-smi and status. */
    public static String label(Gpu gpu) {
        String id = gpu.uuid().isEmpty() ? "GPU " + gpu.index() : gpu.uuid();
        return gpu.name().isEmpty() ? id : id + " (" + gpu.name() + ")";
    }

    private static String or(String driver) {
        return driver.isEmpty() ? "(unknown)" : driver;
    }
}
