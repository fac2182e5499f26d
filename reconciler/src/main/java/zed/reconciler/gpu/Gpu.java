package zed.reconciler.gpu;

import java.util.Locale;

/**
 * One GPU of the host, as a source saw it.
 *
 * @param index  its position: the source's own index, then its place in the host's facts ({@code gpu.<index>.*})
 * @param vendor lowercase, e.g. "nvidia", "amd", "intel"
 * @param vramMb memory in MiB; 0 when the source did not say
 * @param driver driver version, e.g. "550.54.15"; empty when unknown
 * @param uuid   as the source writes it ("GPU-..." from nvidia-smi); empty when unknown
 */
public record Gpu(int index, String vendor, String name, long vramMb, String driver, String uuid, Source source) {
    public enum Source {
        NVIDIA_SMI("nvidia-smi"), VULKAN("vulkan");

        public final String label;

        Source(String label) {
            this.label = label;
        }
    }

    public Gpu {
        vendor = vendor == null ? "" : vendor;
        name = name == null ? "" : name.strip();
        driver = driver == null ? "" : driver.strip();
        uuid = uuid == null ? "" : uuid.strip();
        if (vramMb < 0) vramMb = 0;
    }

    public Gpu withIndex(int i) {
        return new Gpu(i, vendor, name, vramMb, driver, uuid, source);
    }

    /**
     * The UUID without the "GPU-" of nvidia-smi, dashes or case, so that nvidia-smi and Vulkan (whose deviceUUID is
     * the same 16 bytes on NVIDIA) name one device alike; empty when unknown.
     */
    public String deviceId() {
        return deviceId(uuid);
    }

    /** {@link #deviceId()} of a UUID as any source writes it. */
    public static String deviceId(String uuid) {
        String u = uuid.toLowerCase(Locale.ROOT);
        if (u.startsWith("gpu-")) u = u.substring(4);
        return u.replace("-", "");
    }

    /** The same physical device: by UUID where both know it, else by vendor and name. */
    public boolean sameDevice(Gpu other) {
        if (!deviceId().isEmpty() && !other.deviceId().isEmpty()) return deviceId().equals(other.deviceId());
        return vendor.equals(other.vendor) && name.equals(other.name);
    }
}
