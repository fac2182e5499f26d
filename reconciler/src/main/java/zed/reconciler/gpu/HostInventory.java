package zed.reconciler.gpu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Takes the host's inventory: asks each source in turn, most trusted first, and merges what they found. A GPU that
 * an earlier source already listed (same UUID) is not listed again, so NVIDIA GPUs come from nvidia-smi and the
 * others (AMD, Intel, an NVIDIA GPU without nvidia-smi) from Vulkan. The facts number the GPUs in that order.
 */
public final class HostInventory {
    private final String host;
    private final List<GpuSource> sources;

    public HostInventory(String host, List<GpuSource> sources) {
        this.host = host;
        this.sources = List.copyOf(sources);
    }

    /** This host: nvidia-smi, then the Vulkan loader. */
    public static HostInventory local() {
        return local(hostName());
    }

    /** This machine's GPUs, reported as the host {@code name} (its name in the cluster). */
    public static HostInventory local(String name) {
        return new HostInventory(name, List.of(NvidiaSmi.onThisHost(), new VulkanDevices()));
    }

    public String host() {
        return host;
    }

    /** Asks every source (blocking: it runs nvidia-smi and the Vulkan loader). A source that fails is a note. */
    public Inventory take() {
        List<Found> found = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Map<String, Integer> vulkanIndex = new HashMap<>();
        for (GpuSource s : sources) {
            Found f;
            try {
                f = s.find();
            } catch (RuntimeException | LinkageError e) {
                notes.add("a source failed: " + e);
                continue;
            }
            found.add(f);
            f.vulkanIndex().forEach(vulkanIndex::putIfAbsent);
            for (String n : f.notes()) notes.add(f.source() + ": " + n);
        }
        return new Inventory(new HostFacts(host, merge(found)), notes, vulkanIndex);
    }

    /** The GPUs of all sources, each device once (the first source's view of it), numbered from 0. */
    public static List<Gpu> merge(List<Found> found) {
        List<Gpu> out = new ArrayList<>();
        for (Found f : found) {
            List<Gpu> earlier = List.copyOf(out);
            for (Gpu g : f.gpus()) {
                if (earlier.stream().noneMatch(e -> e.sameDevice(g))) out.add(g.withIndex(out.size()));
            }
        }
        return out;
    }

    /** The kernel's host name (no DNS lookup, which may hang), else Java's. */
    public static String hostName() {
        for (Path p : List.of(Path.of("/proc/sys/kernel/hostname"), Path.of("/etc/hostname"))) {
            try {
                String h = Files.readString(p).strip();
                if (!h.isEmpty()) return h;
            } catch (IOException | RuntimeException ignored) {
                // not Linux: try the next way
            }
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
