package zed.reconciler.gpu;

import java.util.List;
import java.util.Map;

/**
 * A host of the cluster and its GPUs, as placement takes them: its facts, with the indices a job's libraries select
 * a device by.
 */
public record HostGpus(String host, List<Device> gpus) {
    public HostGpus {
        gpus = List.copyOf(gpus);
    }

    /**
     * One GPU.
     *
     * @param vulkanIndex its place in the host's {@code vkEnumeratePhysicalDevices}; null when the node's loader did not list it
     * @param cudaIndex   its CUDA index where known (nvidia-smi's); CUDA_VISIBLE_DEVICES takes the UUID where there is one
     */
    public record Device(Gpu gpu, Integer vulkanIndex, Integer cudaIndex) {
        /** NVIDIA's drivers and CUDA name a GPU "GPU-" and its UUID; Vulkan gives the same 16 bytes without the prefix. */
        String cudaName() {
            if (gpu.deviceId().isEmpty()) return cudaIndex == null ? null : String.valueOf(cudaIndex);
            return gpu.uuid().regionMatches(true, 0, "GPU-", 0, 4) ? gpu.uuid() : "GPU-" + gpu.uuid();
        }

        boolean isNvidia() {
            return gpu.vendor().equals("nvidia");
        }
    }

    /**
     * From a host's facts and the Vulkan device index of each GPU the loader listed (by {@link Gpu#deviceId()}):
     * nvidia-smi numbers its GPUs first in the facts, so their index is nvidia-smi's, which is CUDA's.
     */
    public static HostGpus of(HostFacts facts, Map<String, Integer> vulkanIndexByDeviceId) {
        return new HostGpus(facts.host(), facts.gpus().stream().map(g -> new Device(g, vulkanIndexByDeviceId.get(g.deviceId()),
                g.source() == Gpu.Source.NVIDIA_SMI ? g.index() : null)).toList());
    }
}
