package zed.reconciler.gpu;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Decoding what the Vulkan loader reports: numbers as each vendor packs them. */
class VulkanDeviceTest {
    @Test
    void anNvidiaDriverVersionReadsAsNvidiaSmiPrintsIt() {
        int packed = (550 << 22) | (54 << 14) | (15 << 6);
        assertEquals("550.54.15", VulkanDevice.driverVersion(0x10DE, packed));
        assertEquals("535.104.05", VulkanDevice.driverVersion(0x10DE, (535 << 22) | (104 << 14) | (5 << 6)));
        assertEquals("470.82.01.3", VulkanDevice.driverVersion(0x10DE, (470 << 22) | (82 << 14) | (1 << 6) | 3));
    }

    @Test
    void aMesaDriverVersionIsAVulkanVersion() {
        assertEquals("22.3.6", VulkanDevice.driverVersion(0x1002, (22 << 22) | (3 << 12) | 6));
        assertEquals("0.0.1", VulkanDevice.driverVersion(0x10005, 1));
    }

    @Test
    void vendorIdsHaveNames() {
        assertEquals("nvidia", VulkanDevice.vendorName(0x10DE));
        assertEquals("amd", VulkanDevice.vendorName(0x1002));
        assertEquals("intel", VulkanDevice.vendorName(0x8086));
        assertEquals("mesa", VulkanDevice.vendorName(0x10005));
        assertEquals("0x1234", VulkanDevice.vendorName(0x1234));
    }

    @Test
    void vramIsTheLargestDeviceLocalHeapInMib() {
        long gib = 1L << 30;
        // a discrete card: its VRAM (device local), and the host memory it can map (not)
        assertEquals(24 * 1024, VulkanDevice.largestDeviceLocalMb(new long[]{24 * gib, 64 * gib, 256L << 20}, new int[]{1, 0, 1}));
        assertEquals(0, VulkanDevice.largestDeviceLocalMb(new long[]{8 * gib}, new int[]{0}));
    }

    @Test
    void aDeviceUuidIsWrittenAsHexGroupsAndZerosAsNone() {
        byte[] b = new byte[16];
        for (int i = 0; i < 16; i++) b[i] = (byte) (0xA0 + i);
        assertEquals("a0a1a2a3-a4a5-a6a7-a8a9-aaabacadaeaf", VulkanDevice.uuid(b));
        assertEquals("", VulkanDevice.uuid(new byte[16]));
    }

    @Test
    void aCpuRendererIsNotAGpuAndAnIntegratedOneIs() {
        VulkanDevice llvmpipe = new VulkanDevice("llvmpipe (LLVM 15.0.6, 256 bits)", 0x10005, VulkanDevice.Type.of(4), 1, 0, 2048, "");
        assertEquals(VulkanDevice.Type.CPU, llvmpipe.type());
        assertFalse(llvmpipe.isGpu());
        VulkanDevice igpu = new VulkanDevice("Intel(R) UHD Graphics 770", 0x8086, VulkanDevice.Type.of(1), (23 << 22) | (1 << 12), 0, 15000, "");
        assertTrue(igpu.isGpu());
        assertEquals(new Gpu(3, "intel", "Intel(R) UHD Graphics 770", 15000, "23.1.0", "", Gpu.Source.VULKAN), igpu.gpu(3));
    }
}
