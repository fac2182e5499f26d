package zed.reconciler.gpu;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Merging what nvidia-smi and Vulkan saw into one list of GPUs, each device once. */
class HostInventoryTest {
    static final Gpu SMI_0 = new Gpu(0, "nvidia", "NVIDIA H100 80GB HBM3", 81559, "550.54.15", "GPU-6e3fa3b4-7a1f-2c4b-9d0e-1f2a3b4c5d6e", Gpu.Source.NVIDIA_SMI);
    static final Gpu SMI_1 = new Gpu(1, "nvidia", "NVIDIA H100 80GB HBM3", 81559, "550.54.15", "GPU-0b9c8d7e-6f5a-4b3c-2d1e-0f9a8b7c6d5e", Gpu.Source.NVIDIA_SMI);
    // the same two cards as Vulkan sees them: the same UUID bytes, written without "GPU-"
    static final Gpu VK_0 = new Gpu(0, "nvidia", "NVIDIA H100 80GB HBM3", 81559, "550.54.15", "6e3fa3b4-7a1f-2c4b-9d0e-1f2a3b4c5d6e", Gpu.Source.VULKAN);
    static final Gpu VK_1 = new Gpu(1, "nvidia", "NVIDIA H100 80GB HBM3", 81559, "550.54.15", "0b9c8d7e-6f5a-4b3c-2d1e-0f9a8b7c6d5e", Gpu.Source.VULKAN);
    static final Gpu VK_IGPU = new Gpu(2, "intel", "Intel(R) UHD Graphics 770 (ADL-S GT1)", 31913, "23.1.0", "8680c846-0c00-0000-0002-000000000000", Gpu.Source.VULKAN);

    static GpuSource source(String name, List<Gpu> gpus, String... notes) {
        return () -> new Found(name, gpus, List.of(notes));
    }

    @Test
    void nvidiaGpusComeFromNvidiaSmiAndTheOthersFromVulkan() {
        Inventory inv = new HostInventory("gpu1", List.of(source("nvidia-smi", List.of(SMI_0, SMI_1)),
                source("vulkan", List.of(VK_1, VK_IGPU, VK_0), "llvmpipe (LLVM 15.0.6, 256 bits) is a cpu device, not a GPU"))).take();
        assertEquals(List.of(SMI_0, SMI_1, VK_IGPU.withIndex(2)), inv.facts().gpus());
        assertEquals(List.of("vulkan: llvmpipe (LLVM 15.0.6, 256 bits) is a cpu device, not a GPU"), inv.notes());
    }

    @Test
    void eachGpuKeepsItsPlaceInTheVulkanLoadersListThoughNvidiaSmiNumbersTheFacts() {
        // the loader lists the second H100 first, then the iGPU, then the first H100 (lavapipe would be 3, not a GPU)
        Map<String, Integer> loader = Map.of(VK_1.deviceId(), 0, VK_IGPU.deviceId(), 1, VK_0.deviceId(), 2);
        Inventory inv = new HostInventory("gpu1", List.of(source("nvidia-smi", List.of(SMI_0, SMI_1)),
                () -> new Found("vulkan", List.of(VK_1, VK_IGPU, VK_0), List.of(), loader))).take();
        List<HostGpus.Device> devices = inv.hostGpus().gpus();
        assertEquals(List.of(2, 0, 1), devices.stream().map(HostGpus.Device::vulkanIndex).toList());
        assertEquals(java.util.Arrays.asList(0, 1, null), devices.stream().map(HostGpus.Device::cudaIndex).toList());
        assertTrue(inv.json().contains("\"source\":\"nvidia-smi\",\"vulkan_index\":2}"), inv.json());
        // a GPU the loader did not list has no index: the job matches ZED_GPU_UUIDS itself
        Inventory noLoader = new HostInventory("gpu1", List.of(source("nvidia-smi", List.of(SMI_0)))).take();
        assertEquals(java.util.Collections.singletonList(null), noLoader.hostGpus().gpus().stream().map(HostGpus.Device::vulkanIndex).toList());
        assertTrue(!noLoader.json().contains("vulkan_index"), noLoader.json());
    }

    @Test
    void withoutNvidiaSmiAnNvidiaGpuComesFromVulkan() {
        Inventory inv = new HostInventory("gpu1", List.of(source("nvidia-smi", List.of(), "not installed (no NVIDIA driver)"),
                source("vulkan", List.of(VK_0)))).take();
        assertEquals(List.of(VK_0), inv.facts().gpus());
        assertEquals(List.of("nvidia-smi: not installed (no NVIDIA driver)"), inv.notes());
    }

    @Test
    void aVulkanGpuWithoutUuidIsMatchedByName() {
        Gpu noUuid = new Gpu(0, "nvidia", SMI_0.name(), 81559, "550.54.15", "", Gpu.Source.VULKAN);
        assertEquals(List.of(SMI_0), HostInventory.merge(List.of(new Found("nvidia-smi", List.of(SMI_0), List.of()),
                new Found("vulkan", List.of(noUuid), List.of()))));
    }

    @Test
    void aSourceThatThrowsIsANoteAndTheOthersStillCount() {
        GpuSource broken = () -> {
            throw new IllegalStateException("boom");
        };
        Inventory inv = new HostInventory("gpu1", List.of(broken, source("vulkan", List.of(VK_IGPU)))).take();
        assertEquals(List.of(VK_IGPU.withIndex(0)), inv.facts().gpus());
        assertEquals(List.of("a source failed: java.lang.IllegalStateException: boom"), inv.notes());
    }

    @Test
    void theInventoryReadsAsJson() {
        Inventory inv = new Inventory(new HostFacts("gpu1", List.of(SMI_0)), List.of("vulkan: no Vulkan loader (\"libvulkan.so.1\")"));
        assertEquals("{\"host\":\"gpu1\",\"gpus\":[{\"index\":0,\"vendor\":\"nvidia\",\"name\":\"NVIDIA H100 80GB HBM3\",\"vram_mb\":81559,"
                + "\"driver\":\"550.54.15\",\"uuid\":\"GPU-6e3fa3b4-7a1f-2c4b-9d0e-1f2a3b4c5d6e\",\"source\":\"nvidia-smi\"}],"
                + "\"properties\":{\"com.zed:host\":\"gpu1\",\"com.zed:gpu.count\":\"1\",\"com.zed:gpu.0.vendor\":\"nvidia\","
                + "\"com.zed:gpu.0.name\":\"NVIDIA H100 80GB HBM3\",\"com.zed:gpu.0.vram_mb\":\"81559\",\"com.zed:gpu.0.driver\":\"550.54.15\","
                + "\"com.zed:gpu.0.uuid\":\"GPU-6e3fa3b4-7a1f-2c4b-9d0e-1f2a3b4c5d6e\"},"
                + "\"notes\":[\"vulkan: no Vulkan loader (\\\"libvulkan.so.1\\\")\"]}", inv.json());
    }
}
