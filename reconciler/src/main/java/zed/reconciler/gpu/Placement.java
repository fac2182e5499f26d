package zed.reconciler.gpu;

import java.util.List;
import java.util.Map;

/** Where a job runs: on whole GPUs of one host, waiting for busy ones to free, or nowhere at all. */
public sealed interface Placement {
    /**
     * @param gpus   the GPUs, in the order the job's environment lists them
     * @param vramMb what the job holds on each (the whole GPU when its model said no vram)
     * @param env    ZED_GPU_UUIDS, CUDA_VISIBLE_DEVICES and (where the Vulkan loader listed every GPU) ZED_VULKAN_DEVICE
     */
    record Placed(String host, List<HostGpus.Device> gpus, List<Long> vramMb, Map<String, String> env) implements Placement {
        public Placed {
            gpus = List.copyOf(gpus);
            vramMb = List.copyOf(vramMb);
            env = Map.copyOf(env);
        }

        /** What the job holds once it runs, one per GPU: what the next placement subtracts. */
        public List<GpuHold> holds(String job) {
            return java.util.stream.IntStream.range(0, gpus.size())
                    .mapToObj(i -> new GpuHold(job, host, gpus.get(i).gpu().uuid(), vramMb.get(i))).toList();
        }
    }

    /**
     * It fits on a host once GPUs that placed jobs hold are freed: the job is Pending, not refused.
     *
     * @param hosts  where it would fit
     * @param heldBy the jobs holding those GPUs now
     */
    record Waiting(List<String> hosts, List<String> heldBy, String table) implements Placement {
        public Waiting {
            hosts = List.copyOf(hosts);
            heldBy = List.copyOf(heldBy);
        }

        /** The line status shows. */
        public String reason() {
            return "waiting for a GPU: it fits on " + String.join(", ", hosts) + " once "
                    + (heldBy.size() == 1 ? "job " + heldBy.get(0) + " ends" : "jobs " + String.join(", ", heldBy) + " end");
        }
    }

    /** It fits on no host even with every GPU free: the push is refused with this message (a table of free VRAM). */
    record Refused(String message) implements Placement {
    }
}
