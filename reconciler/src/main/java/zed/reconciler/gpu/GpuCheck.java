package zed.reconciler.gpu;

/**
 * Takes this host's inventory and prints it as JSON, then every Vulkan device (CPU renderers included), one JSON
 * object per line. It needs only this module's classes and LWJGL, so that {@code scripts/gpu-check.sh} can run it
 * with a small JRE on a machine without Java.
 */
public final class GpuCheck {
    private GpuCheck() {
    }

    public static void main(String[] args) {
        System.out.println(HostInventory.local().take().json());
        VulkanDevices.Enumeration e = new VulkanDevices().enumerate();
        if (e.reason() != null) System.out.println("{\"vulkan\":{\"reason\":" + Inventory.quote(e.reason()) + "}}");
        for (int i = 0; i < e.devices().size(); i++) {
            VulkanDevice d = e.devices().get(i);
            // index: the device's place in vkEnumeratePhysicalDevices, what ZED_VULKAN_DEVICE names
            System.out.println("{\"vulkan\":{\"index\":" + i + ",\"name\":" + Inventory.quote(d.name()) + ",\"vendor\":" + Inventory.quote(d.vendor())
                    + ",\"vendor_id\":" + Inventory.quote(String.format("0x%04x", d.vendorId())) + ",\"type\":" + Inventory.quote(d.type().name())
                    + ",\"driver\":" + Inventory.quote(d.driver()) + ",\"api\":" + Inventory.quote(d.api()) + ",\"vram_mb\":" + d.vramMb()
                    + ",\"uuid\":" + Inventory.quote(d.uuid()) + "}}");
        }
    }
}
