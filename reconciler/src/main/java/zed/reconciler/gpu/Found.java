package zed.reconciler.gpu;

import java.util.List;
import java.util.Map;

/**
 * What one source found: its GPUs, and notes that say why it found nothing or what it left out.
 *
 * @param vulkanIndex each device's place in {@code vkEnumeratePhysicalDevices}, by {@link Gpu#deviceId()} (the Vulkan
 *                    source's only; it lists the devices that are not GPUs too, and the NVIDIA GPUs that nvidia-smi
 *                    reports as well, so that a job on one of them gets its {@code ZED_VULKAN_DEVICE})
 */
public record Found(String source, List<Gpu> gpus, List<String> notes, Map<String, Integer> vulkanIndex) {
    public Found {
        gpus = List.copyOf(gpus);
        notes = List.copyOf(notes);
        vulkanIndex = Map.copyOf(vulkanIndex);
    }

    public Found(String source, List<Gpu> gpus, List<String> notes) {
        this(source, gpus, notes, Map.of());
    }

    public static Found nothing(String source, String why) {
        return new Found(source, List.of(), List.of(why));
    }
}
