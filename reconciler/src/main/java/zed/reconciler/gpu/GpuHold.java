package zed.reconciler.gpu;

/**
 * What a placed job holds on one GPU: the VRAM its model requires there (a job that takes the GPU whole holds all of
 * it).
 *
 * @param uuid the GPU's UUID as the inventory gives it; compared as {@link Gpu#deviceId()} does
 */
public record GpuHold(String job, String host, String uuid, long vramMb) {
    boolean on(String host, Gpu gpu) {
        return this.host.equals(host) && Gpu.deviceId(uuid).equals(gpu.deviceId());
    }
}
