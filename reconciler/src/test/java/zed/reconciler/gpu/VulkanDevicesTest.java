package zed.reconciler.gpu;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real Vulkan loader, through LWJGL. Mesa's lavapipe (llvmpipe, a CPU device) stands in for a GPU: it skips
 * without a loader or lavapipe (install mesa-vulkan-drivers and libvulkan1), unless ZED_REQUIRE_VULKAN=1.
 */
class VulkanDevicesTest {
    static VulkanDevice lavapipe(VulkanDevices.Enumeration e) {
        VulkanDevice d = e.devices().stream().filter(x -> x.name().startsWith("llvmpipe")).findFirst().orElse(null);
        if (d == null) {
            String why = e.reason() != null ? e.reason() : "the loader lists no llvmpipe device: " + e.devices();
            if ("1".equals(System.getenv("ZED_REQUIRE_VULKAN"))) throw new AssertionError("ZED_REQUIRE_VULKAN=1, but " + why);
            Assumptions.assumeTrue(false, why + "; apt-get install mesa-vulkan-drivers libvulkan1");
        }
        return d;
    }

    @Test
    void lavapipeIsListedAsACpuDeviceWithANameHeapAndUuid() {
        VulkanDevice d = lavapipe(new VulkanDevices().enumerate());
        assertEquals(VulkanDevice.Type.CPU, d.type());
        assertTrue(d.name().matches("llvmpipe \\(LLVM [0-9.]+, \\d+ bits\\)"), d.name());
        assertEquals("mesa", d.vendor());
        assertTrue(d.vramMb() > 0, "heap " + d.vramMb());
        assertTrue(d.uuid().matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), d.uuid());
        assertTrue(d.api().startsWith("1."), d.api());
    }

    @Test
    void lavapipeIsNotAGpuOfTheHostButANote() {
        lavapipe(new VulkanDevices().enumerate());
        for (String unset : new String[]{null, "", "0"}) {
            Found f = new VulkanDevices(null, unset).find();
            assertTrue(f.gpus().stream().noneMatch(g -> g.name().startsWith("llvmpipe")), f.gpus().toString());
            assertTrue(f.notes().stream().anyMatch(n -> n.matches("llvmpipe .* is a cpu device, not a GPU")), f.notes().toString());
        }
    }

    @Test
    void withIncludeCpuLavapipeIsAGpuWithItsVulkanIndexUuidAndHeap() {
        VulkanDevices.Enumeration all = new VulkanDevices().enumerate();
        VulkanDevice d = lavapipe(all);
        int index = all.devices().indexOf(d);
        Inventory inv = new HostInventory("laptop", List.of(new VulkanDevices(null, "1"))).take();
        Gpu g = inv.facts().gpus().stream().filter(x -> x.name().startsWith("llvmpipe")).findFirst().orElseThrow(() -> new AssertionError(inv.json()));
        assertEquals(d.uuid(), g.uuid());
        assertEquals(d.vramMb(), g.vramMb());
        assertTrue(g.vramMb() > 0, inv.json());
        assertEquals("mesa", g.vendor());
        assertEquals(Gpu.Source.VULKAN, g.source());
        assertEquals(index, inv.vulkanIndex().get(g.deviceId()));
        assertTrue(inv.json().contains("\"uuid\":\"" + d.uuid() + "\",\"source\":\"vulkan\",\"vulkan_index\":" + index + "}"), inv.json());
        assertTrue(inv.notes().stream().anyMatch(n -> n.matches("vulkan: llvmpipe .* is a cpu device, counted as a GPU \\(ZED_GPU_INCLUDE_CPU=1\\)")), inv.notes().toString());
        // what placement takes: the job's ZED_VULKAN_DEVICE is lavapipe's place in the loader's list
        HostGpus.Device placed = inv.hostGpus().gpus().stream().filter(x -> x.gpu().equals(g)).findFirst().orElseThrow();
        assertEquals(index, placed.vulkanIndex());
        assertEquals(null, placed.cudaIndex());
    }

    @Test
    void anIncludeCpuOtherThanOneOrZeroIsANoteAndCountsNothing() {
        lavapipe(new VulkanDevices().enumerate());
        Found f = new VulkanDevices(null, "yes").find();
        assertTrue(f.gpus().stream().noneMatch(g -> g.name().startsWith("llvmpipe")), f.gpus().toString());
        assertTrue(f.notes().contains("ZED_GPU_INCLUDE_CPU=yes is neither 1 nor 0: CPU devices are not counted as GPUs"), f.notes().toString());
        // not a GPU, but its index is still known (an NVIDIA GPU that nvidia-smi lists is placed with it the same way)
        assertTrue(f.vulkanIndex().containsValue(new VulkanDevices().enumerate().devices().indexOf(lavapipe(new VulkanDevices().enumerate()))));
    }

    @Test
    void noLoaderIsNoDevicesAndAReasonThenTheRealOneStillWorks() {
        VulkanDevices.Enumeration none = new VulkanDevices("/nonexistent/libvulkan.so.1").enumerate();
        assertEquals(List.of(), none.devices());
        assertNotNull(none.reason());
        assertTrue(none.reason().startsWith("no Vulkan loader"), none.reason());
        Found f = new VulkanDevices("/nonexistent/libvulkan.so.1").find();
        assertEquals(List.of(), f.gpus());
        assertEquals(1, f.notes().size());
        assertTrue(f.notes().get(0).startsWith("no Vulkan loader") && f.notes().get(0).contains("/nonexistent/libvulkan.so.1"), f.notes().toString());
        lavapipe(new VulkanDevices().enumerate()); // a missing loader once does not break Vulkan for the JVM
    }
}
