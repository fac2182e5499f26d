package zed.reconciler.gpu;

import org.lwjgl.PointerBuffer;
import org.lwjgl.system.Configuration;
import org.lwjgl.system.MemoryStack;
import org.lwjgl.vulkan.VK;
import org.lwjgl.vulkan.VK10;
import org.lwjgl.vulkan.VK11;
import org.lwjgl.vulkan.VkApplicationInfo;
import org.lwjgl.vulkan.VkInstance;
import org.lwjgl.vulkan.VkInstanceCreateInfo;
import org.lwjgl.vulkan.VkPhysicalDevice;
import org.lwjgl.vulkan.VkPhysicalDeviceIDProperties;
import org.lwjgl.vulkan.VkPhysicalDeviceMemoryProperties;
import org.lwjgl.vulkan.VkPhysicalDeviceProperties;
import org.lwjgl.vulkan.VkPhysicalDeviceProperties2;

import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every physical device that the Vulkan loader (through LWJGL) reports: it creates an instance, reads each device's
 * properties, memory heaps and deviceUUID, and destroys the instance. No loader, no driver (ICD), or no LWJGL
 * natives for this platform: no devices and the reason, never a crash.
 *
 * <p>CPU renderers (Mesa's lavapipe) are not GPUs, unless the node's environment has {@code ZED_GPU_INCLUDE_CPU=1}:
 * then they count as GPUs, so that GPU jobs run on a laptop or in CI. Never by default.
 */
public final class VulkanDevices implements GpuSource {
    public static final String NAME = "vulkan";
    /** The variable that lets CPU renderers count as GPUs: "1" only. */
    public static final String INCLUDE_CPU = "ZED_GPU_INCLUDE_CPU";
    private static final Object LOCK = new Object(); // one loader, one instance at a time
    private static String loaded; // the library VK was created from; null when none

    private final String library;
    private final String includeCpu; // ZED_GPU_INCLUDE_CPU as the environment has it; null when unset

    /** The system's loader (libvulkan.so.1); CPU devices count as GPUs when this process has ZED_GPU_INCLUDE_CPU=1. */
    public VulkanDevices() {
        this(null);
    }

    /** @param library the loader to use instead of the system's (tests point it at one that does not exist) */
    public VulkanDevices(String library) {
        this(library, System.getenv(INCLUDE_CPU));
    }

    /** @param includeCpu the value of ZED_GPU_INCLUDE_CPU ("1": CPU devices count as GPUs), null for unset */
    public VulkanDevices(String library, String includeCpu) {
        this.library = library;
        this.includeCpu = includeCpu;
    }

    /** Whether CPU devices count, and a note when the variable is set to something other than 1 or 0. */
    static boolean includesCpu(String value, List<String> notes) {
        if (value == null || value.isEmpty() || value.equals("0")) return false;
        if (value.equals("1")) return true;
        notes.add(INCLUDE_CPU + "=" + value + " is neither 1 nor 0: CPU devices are not counted as GPUs");
        return false;
    }

    /** The devices, or none and why. */
    public record Enumeration(List<VulkanDevice> devices, String reason) {
        public Enumeration {
            devices = List.copyOf(devices);
        }
    }

    @Override
    public Found find() {
        Enumeration e = enumerate();
        if (e.reason() != null) return Found.nothing(NAME, e.reason());
        List<Gpu> gpus = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        boolean cpu = includesCpu(includeCpu, notes);
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < e.devices().size(); i++) {
            VulkanDevice d = e.devices().get(i);
            if (!d.uuid().isEmpty()) index.putIfAbsent(Gpu.deviceId(d.uuid()), i); // the loader's order: ZED_VULKAN_DEVICE
            String kind = d.name() + " is a " + d.type().name().toLowerCase(java.util.Locale.ROOT) + " device";
            if (d.isGpu()) {
                gpus.add(d.gpu(gpus.size()));
            } else if (cpu && d.type() == VulkanDevice.Type.CPU) {
                gpus.add(d.gpu(gpus.size()));
                notes.add(kind + ", counted as a GPU (" + INCLUDE_CPU + "=1)");
            } else {
                notes.add(kind + ", not a GPU");
            }
        }
        if (e.devices().isEmpty()) notes.add("the loader lists no devices");
        return new Found(NAME, gpus, notes, index);
    }

    public Enumeration enumerate() {
        synchronized (LOCK) {
            String why = load();
            if (why != null) return new Enumeration(List.of(), why);
            try {
                return devices();
            } catch (RuntimeException | LinkageError e) {
                return new Enumeration(List.of(), "enumerating devices failed: " + e);
            }
        }
    }

    /** Loads the loader once (again when another library is asked for); null when it is there, else why not. */
    private String load() {
        String want = library == null ? "" : library;
        try {
            // VK would otherwise load the loader in its static initialiser, and a failure there lasts for the JVM's life
            Configuration.VULKAN_EXPLICIT_INIT.set(true);
            if (want.equals(loaded)) return null;
            if (loaded != null) VK.destroy();
            loaded = null;
            if (library == null) VK.create();
            else VK.create(library);
            loaded = want;
            return null;
        } catch (RuntimeException | LinkageError e) {
            return "no Vulkan loader (" + (e.getMessage() == null ? e.toString() : e.getMessage().strip()) + ")";
        }
    }

    private static Enumeration devices() {
        try (MemoryStack stack = MemoryStack.stackPush()) {
            // 1.1 for vkGetPhysicalDeviceProperties2 (the deviceUUID); a 1.0 loader still lists the devices
            int api = VK.getInstanceVersionSupported() >= VK11.VK_API_VERSION_1_1 ? VK11.VK_API_VERSION_1_1 : VK10.VK_API_VERSION_1_0;
            VkApplicationInfo app = VkApplicationInfo.calloc(stack).sType$Default().pApplicationName(stack.UTF8("zed"))
                    .pEngineName(stack.UTF8("zed")).apiVersion(api);
            VkInstanceCreateInfo info = VkInstanceCreateInfo.calloc(stack).sType$Default().pApplicationInfo(app);
            PointerBuffer handle = stack.mallocPointer(1);
            int r = VK10.vkCreateInstance(info, null, handle);
            if (r == VK10.VK_ERROR_INCOMPATIBLE_DRIVER) return new Enumeration(List.of(), "no Vulkan driver (ICD) could be loaded: none is installed, or its library does not load (NVIDIA's needs libglvnd: libglx0, libglvnd0)");
            if (r != VK10.VK_SUCCESS) return new Enumeration(List.of(), "vkCreateInstance failed (VkResult " + r + ")");
            VkInstance instance = new VkInstance(handle.get(0), info);
            try {
                IntBuffer count = stack.mallocInt(1);
                check(VK10.vkEnumeratePhysicalDevices(instance, count, null));
                PointerBuffer handles = stack.mallocPointer(count.get(0));
                check(VK10.vkEnumeratePhysicalDevices(instance, count, handles));
                List<VulkanDevice> out = new ArrayList<>();
                for (int i = 0; i < count.get(0); i++) out.add(device(new VkPhysicalDevice(handles.get(i), instance), api, stack));
                return new Enumeration(out, null);
            } finally {
                VK10.vkDestroyInstance(instance, null);
            }
        }
    }

    private static VulkanDevice device(VkPhysicalDevice d, int instanceApi, MemoryStack stack) {
        VkPhysicalDeviceProperties p = VkPhysicalDeviceProperties.calloc(stack);
        VK10.vkGetPhysicalDeviceProperties(d, p);
        VkPhysicalDeviceMemoryProperties m = VkPhysicalDeviceMemoryProperties.calloc(stack);
        VK10.vkGetPhysicalDeviceMemoryProperties(d, m);
        int heaps = m.memoryHeapCount();
        long[] sizes = new long[heaps];
        int[] flags = new int[heaps];
        for (int h = 0; h < heaps; h++) {
            sizes[h] = m.memoryHeaps(h).size();
            flags[h] = m.memoryHeaps(h).flags();
        }
        String uuid = "";
        if (instanceApi >= VK11.VK_API_VERSION_1_1 && Integer.compareUnsigned(p.apiVersion() & 0x1FFFFFFF, VK11.VK_API_VERSION_1_1) >= 0) {
            VkPhysicalDeviceIDProperties id = VkPhysicalDeviceIDProperties.calloc(stack).sType$Default();
            VkPhysicalDeviceProperties2 p2 = VkPhysicalDeviceProperties2.calloc(stack).sType$Default().pNext(id);
            VK11.vkGetPhysicalDeviceProperties2(d, p2);
            byte[] b = new byte[16];
            id.deviceUUID().get(b);
            uuid = VulkanDevice.uuid(b);
        }
        return new VulkanDevice(p.deviceNameString(), p.vendorID(), VulkanDevice.Type.of(p.deviceType()), p.driverVersion(), p.apiVersion(),
                VulkanDevice.largestDeviceLocalMb(sizes, flags), uuid);
    }

    private static void check(int result) {
        if (result != VK10.VK_SUCCESS && result != VK10.VK_INCOMPLETE) throw new IllegalStateException("vkEnumeratePhysicalDevices failed (VkResult " + result + ")");
    }
}
