package zed.actors.host;

import zed.actors.JsonEvent;
import zed.actors.host.HostEvent.GpuDriverChanged;
import zed.actors.host.HostEvent.GpuFound;
import zed.actors.host.HostEvent.GpuLost;
import zed.reconciler.gpu.Gpu;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The GPUs a host has journaled, present or lost, by {@link #key}: what decides which {@link HostEvent}s an inventory
 * makes. Pure: an inventory in, the changes out; events in, state out. Kept in the host's journal, so a restarted node
 * compares its first inventory with what it knew and journals no GPU it already knew as found again.
 *
 * @param known every GPU ever journaled, as last journaled
 */
public record HostGpus(Map<String, Known> known) implements JsonEvent {
    /** A GPU as last journaled; {@code present} false once lost. */
    public record Known(String uuid, String name, String vendor, int index, long vramMb, String driver, boolean present) {
    }

    public HostGpus {
        known = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(known)); // in journal order: lost GPUs come out in it
    }

    public static HostGpus empty() {
        return new HostGpus(Map.of());
    }

    /** What one GPU is known by across inventories: its UUID, else (no UUID from the source) vendor, name and place. */
    public static String key(String uuid, String vendor, String name, int index) {
        String id = Gpu.deviceId(uuid);
        return !id.isEmpty() ? id : vendor + "/" + name + "/" + index;
    }

    public static String key(Gpu g) {
        return key(g.uuid(), g.vendor(), g.name(), g.index());
    }

    /** What an inventory that found {@code gpus} changes: found (new or back), driver changed, then lost; empty when nothing. */
    public List<HostEvent> next(List<Gpu> gpus, Instant at) {
        List<HostEvent> out = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (Gpu g : gpus) {
            String key = key(g);
            if (!seen.add(key)) continue; // the same device from two sources is one GPU
            Known k = known.get(key);
            if (k == null || !k.present()) {
                out.add(new GpuFound(g.uuid(), g.name(), g.vendor(), g.index(), g.vramMb(), g.driver(), k != null, at));
            } else if (!k.driver().equals(g.driver())) {
                out.add(new GpuDriverChanged(g.uuid(), g.name(), g.vendor(), g.index(), k.driver(), g.driver(), at));
            }
        }
        for (Map.Entry<String, Known> e : known.entrySet()) {
            Known k = e.getValue();
            if (k.present() && !seen.contains(e.getKey())) out.add(new GpuLost(k.uuid(), k.name(), k.vendor(), k.index(), k.vramMb(), k.driver(), at));
        }
        return out;
    }

    public HostGpus apply(HostEvent e) {
        Map<String, Known> m = new LinkedHashMap<>(known);
        if (e instanceof GpuFound f) {
            m.put(key(f.uuid(), f.vendor(), f.name(), f.index()), new Known(f.uuid(), f.name(), f.vendor(), f.index(), f.vramMb(), f.driver(), true));
        } else if (e instanceof GpuLost l) {
            m.put(key(l.uuid(), l.vendor(), l.name(), l.index()), new Known(l.uuid(), l.name(), l.vendor(), l.index(), l.vramMb(), l.driver(), false));
        } else if (e instanceof GpuDriverChanged d) {
            m.computeIfPresent(key(d.uuid(), d.vendor(), d.name(), d.index()),
                    (key, k) -> new Known(k.uuid(), k.name(), k.vendor(), k.index(), k.vramMb(), d.to(), k.present()));
        }
        return new HostGpus(m);
    }
}
