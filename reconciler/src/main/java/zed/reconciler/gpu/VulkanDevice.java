package zed.reconciler.gpu;

import java.util.HexFormat;
import java.util.Map;

/**
 * One physical device as the Vulkan loader reports it, GPUs and CPU renderers (llvmpipe, lavapipe) alike, with
 * the raw numbers decoded the way each vendor packs them.
 *
 * @param driverVersion the raw {@code VkPhysicalDeviceProperties.driverVersion}; its packing is the vendor's
 * @param apiVersion    the raw Vulkan version the device supports
 * @param vramMb        the largest DEVICE_LOCAL heap, in MiB (for a CPU device: host memory)
 * @param uuid          deviceUUID as 8-4-4-4-12 hex; empty when the device is older than Vulkan 1.1
 */
public record VulkanDevice(String name, int vendorId, Type type, int driverVersion, int apiVersion, long vramMb, String uuid) {
    /** VkPhysicalDeviceType, in its order. */
    public enum Type {
        OTHER, INTEGRATED, DISCRETE, VIRTUAL, CPU;

        public static Type of(int vk) {
            return vk >= 0 && vk < values().length ? values()[vk] : OTHER;
        }
    }

    /** PCI vendor IDs, and the Khronos IDs (0x1000x) of vendors without one. */
    private static final Map<Integer, String> VENDORS = Map.ofEntries(Map.entry(0x10DE, "nvidia"), Map.entry(0x1002, "amd"),
            Map.entry(0x1022, "amd"), Map.entry(0x8086, "intel"), Map.entry(0x13B5, "arm"), Map.entry(0x5143, "qualcomm"),
            Map.entry(0x1010, "imgtec"), Map.entry(0x106B, "apple"), Map.entry(0x14E4, "broadcom"), Map.entry(0x1414, "microsoft"),
            Map.entry(0x1AF4, "virtio"), Map.entry(0x15AD, "vmware"), Map.entry(0x10001, "vivante"), Map.entry(0x10002, "verisilicon"),
            Map.entry(0x10003, "kazan"), Map.entry(0x10004, "codeplay"), Map.entry(0x10005, "mesa"), Map.entry(0x10006, "pocl"),
            Map.entry(0x10007, "mobileye"));

    public VulkanDevice {
        name = name == null ? "" : name.strip();
        uuid = uuid == null ? "" : uuid;
    }

    /** Whether it is a GPU for the host's facts: a CPU renderer or an unknown kind of device is not. */
    public boolean isGpu() {
        return type == Type.DISCRETE || type == Type.INTEGRATED || type == Type.VIRTUAL;
    }

    public String vendor() {
        return vendorName(vendorId);
    }

    public String driver() {
        return driverVersion(vendorId, driverVersion);
    }

    /** The Vulkan version the device supports, e.g. "1.3.230". */
    public String api() {
        return standard(apiVersion);
    }

    public Gpu gpu(int index) {
        return new Gpu(index, vendor(), name, vramMb, driver(), uuid, Gpu.Source.VULKAN);
    }

    public static String vendorName(int vendorId) {
        String v = VENDORS.get(vendorId);
        return v != null ? v : String.format("0x%04x", vendorId);
    }

    /**
     * NVIDIA packs its driver version as 10.8.8.6 bits (550.54.15 is 550.54.15.0); the others, on Linux and
     * FreeBSD, as a Vulkan version (Mesa's radv, anv and llvmpipe carry the Mesa version). Intel's 18.14 packing
     * is Windows only.
     */
    public static String driverVersion(int vendorId, int raw) {
        if (vendorId == 0x10DE) {
            int major = raw >>> 22;
            int minor = (raw >>> 14) & 0xFF;
            int patch = (raw >>> 6) & 0xFF;
            int fourth = raw & 0x3F;
            return String.format("%d.%d.%02d", major, minor, patch) + (fourth == 0 ? "" : "." + fourth);
        }
        return standard(raw);
    }

    /** VK_VERSION_MAJOR/MINOR/PATCH: 10.10.12 bits. */
    static String standard(int raw) {
        return (raw >>> 22) + "." + ((raw >>> 12) & 0x3FF) + "." + (raw & 0xFFF);
    }

    /** The 16 bytes of a deviceUUID as 8-4-4-4-12 hex; empty for none or all zeros. */
    public static String uuid(byte[] bytes) {
        if (bytes == null || bytes.length != 16) return "";
        boolean zero = true;
        for (byte b : bytes) zero &= b == 0;
        if (zero) return "";
        String h = HexFormat.of().formatHex(bytes);
        return h.substring(0, 8) + "-" + h.substring(8, 12) + "-" + h.substring(12, 16) + "-" + h.substring(16, 20) + "-" + h.substring(20);
    }

    /** The largest heap that has the DEVICE_LOCAL bit, in MiB: a GPU's own memory, not the host memory it may map. */
    public static long largestDeviceLocalMb(long[] heapSizes, int[] heapFlags) {
        long max = 0;
        for (int i = 0; i < heapSizes.length; i++) {
            if ((heapFlags[i] & 0x1) != 0) max = Math.max(max, heapSizes[i]); // VK_MEMORY_HEAP_DEVICE_LOCAL_BIT
        }
        return max >> 20;
    }
}
