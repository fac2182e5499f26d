package zed.reconciler.gpu;

import java.util.List;
import java.util.Map;

/**
 * One look at the host: its facts, and what the sources said beside them (why one saw nothing, what is not a GPU).
 *
 * @param vulkanIndex each device's place in this host's {@code vkEnumeratePhysicalDevices}, by {@link Gpu#deviceId()}:
 *                    what a job's {@code ZED_VULKAN_DEVICE} names (see {@link #hostGpus()})
 */
public record Inventory(HostFacts facts, List<String> notes, Map<String, Integer> vulkanIndex) {
    public Inventory {
        notes = List.copyOf(notes);
        vulkanIndex = Map.copyOf(vulkanIndex);
    }

    public Inventory(HostFacts facts, List<String> notes) {
        this(facts, notes, Map.of());
    }

    /** The same look with other notes. */
    public Inventory withNotes(List<String> other) {
        return new Inventory(facts, other, vulkanIndex);
    }

    /** The host's GPUs as placement takes them: each with its Vulkan index (and CUDA index) where known. */
    public HostGpus hostGpus() {
        return HostGpus.of(facts, vulkanIndex);
    }

    /** {@code {"host", "gpus": [...], "properties": {...}, "notes": [...]}}, on one line. */
    public String json() {
        StringBuilder b = new StringBuilder("{\"host\":").append(quote(facts.host())).append(",\"gpus\":[");
        for (int i = 0; i < facts.gpus().size(); i++) {
            Gpu g = facts.gpus().get(i);
            if (i > 0) b.append(',');
            b.append("{\"index\":").append(g.index()).append(",\"vendor\":").append(quote(g.vendor())).append(",\"name\":")
                    .append(quote(g.name())).append(",\"vram_mb\":").append(g.vramMb()).append(",\"driver\":").append(quote(g.driver()))
                    .append(",\"uuid\":").append(quote(g.uuid())).append(",\"source\":").append(quote(g.source().label));
            Integer vk = vulkanIndex.get(g.deviceId());
            if (vk != null && !g.deviceId().isEmpty()) b.append(",\"vulkan_index\":").append(vk);
            b.append('}');
        }
        b.append("],\"properties\":{");
        boolean first = true;
        for (Map.Entry<String, String> e : facts.properties().entrySet()) {
            if (!first) b.append(',');
            first = false;
            b.append(quote(e.getKey())).append(':').append(quote(e.getValue()));
        }
        b.append("},\"notes\":[");
        for (int i = 0; i < notes.size(); i++) b.append(i > 0 ? "," : "").append(quote(notes.get(i)));
        return b.append("]}").toString();
    }

    /** A JSON string: quotes, backslashes and control characters escaped. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }
}
