package zed.reconciler.gpu;

/**
 * One way of finding the host's GPUs ({@link NvidiaSmi}, {@link VulkanDevices}). A source that cannot look (no
 * binary, no loader, no driver) finds nothing and says why; it throws only on a bug.
 */
@FunctionalInterface
public interface GpuSource {
    Found find();
}
