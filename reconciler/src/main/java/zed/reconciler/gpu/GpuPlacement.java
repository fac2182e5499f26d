package zed.reconciler.gpu;

import zed.config.LevelSpec.Requires;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Places a job by VRAM (docs/gpu.md): {@code gpus} whole GPUs of one host, each with {@code vram} free (the
 * inventory, less what placed jobs hold); the smallest free VRAM that fits wins, so that big GPUs stay free for big
 * models. Ties: the smaller GPU, then the host's name, then the UUID. Pure: no I/O.
 */
public final class GpuPlacement {
    private GpuPlacement() {
    }

    /** One host's best choice: the GPUs and what each has free now. */
    private record Choice(String host, List<HostGpus.Device> gpus, long free, long total) {
    }

    public static Placement place(Requires need, List<HostGpus> hosts, List<GpuHold> holds) {
        List<HostGpus> sorted = hosts.stream().sorted(Comparator.comparing(HostGpus::host)).toList();
        Choice best = null;
        List<String> waitOn = new ArrayList<>();
        TreeSet<String> heldBy = new TreeSet<>();
        for (HostGpus h : sorted) {
            List<HostGpus.Device> now = h.gpus().stream().filter(d -> fitsNow(need, h.host(), d, holds))
                    .sorted(Comparator.<HostGpus.Device>comparingLong(d -> free(h.host(), d, holds)).thenComparingLong(d -> d.gpu().vramMb())
                            .thenComparing(d -> d.gpu().deviceId()))
                    .toList();
            if (now.size() >= need.gpus()) {
                List<HostGpus.Device> take = now.subList(0, need.gpus());
                Choice c = new Choice(h.host(), take, take.stream().mapToLong(d -> free(h.host(), d, holds)).sum(),
                        take.stream().mapToLong(d -> d.gpu().vramMb()).sum());
                if (best == null || c.free < best.free || c.free == best.free && c.total < best.total) best = c;
            } else if (h.gpus().stream().filter(d -> fitsEmpty(need, d)).count() >= need.gpus()) {
                waitOn.add(h.host());
                for (HostGpus.Device d : h.gpus()) {
                    if (fitsEmpty(need, d) && !fitsNow(need, h.host(), d, holds)) {
                        holds.stream().filter(x -> x.on(h.host(), d.gpu())).forEach(x -> heldBy.add(x.job()));
                    }
                }
            }
        }
        if (best != null) return placed(need, best);
        String table = table(sorted, holds);
        if (!waitOn.isEmpty()) return new Placement.Waiting(waitOn, List.copyOf(heldBy), table);
        return new Placement.Refused("fits on no host: " + wanted(need) + "; free VRAM per GPU:\n" + table);
    }

    /** Each GPU must be known by its UUID: a hold names the GPU it is on. */
    private static boolean fitsEmpty(Requires need, HostGpus.Device d) {
        if (d.gpu().deviceId().isEmpty()) return false;
        return need.vramMb() == null || d.gpu().vramMb() >= need.vramMb();
    }

    private static boolean fitsNow(Requires need, String host, HostGpus.Device d, List<GpuHold> holds) {
        if (!fitsEmpty(need, d)) return false;
        if (need.vramMb() == null) return holds.stream().noneMatch(x -> x.on(host, d.gpu()));
        return free(host, d, holds) >= need.vramMb();
    }

    static long free(String host, HostGpus.Device d, List<GpuHold> holds) {
        long held = holds.stream().filter(x -> x.on(host, d.gpu())).mapToLong(GpuHold::vramMb).sum();
        return Math.max(0, d.gpu().vramMb() - held);
    }

    private static Placement.Placed placed(Requires need, Choice c) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("ZED_GPU_UUIDS", c.gpus.stream().map(d -> d.gpu().uuid()).collect(Collectors.joining(",")));
        // only NVIDIA GPUs are CUDA's; an empty list hides the host's other CUDA devices from a job placed elsewhere
        env.put("CUDA_VISIBLE_DEVICES", c.gpus.stream().filter(HostGpus.Device::isNvidia).map(HostGpus.Device::cudaName)
                .filter(java.util.Objects::nonNull).collect(Collectors.joining(",")));
        if (c.gpus.stream().allMatch(d -> d.vulkanIndex() != null)) {
            env.put("ZED_VULKAN_DEVICE", c.gpus.stream().map(d -> String.valueOf(d.vulkanIndex())).collect(Collectors.joining(",")));
        }
        List<Long> vram = c.gpus.stream().map(d -> need.vramMb() == null ? d.gpu().vramMb() : need.vramMb()).toList();
        return new Placement.Placed(c.host, c.gpus, vram, env);
    }

    private static String wanted(Requires need) {
        String each = need.vramMb() == null ? "free (the whole GPU)" : "with " + need.vramMb() + " MiB free";
        return "no host has " + (need.gpus() == 1 ? "a GPU " : need.gpus() + " GPUs, each ") + each;
    }

    /** HOST, GPU, NAME, FREE, TOTAL, HELD BY: every host, one line per GPU ("no GPUs" for a host without). */
    static String table(List<HostGpus> hosts, List<GpuHold> holds) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[]{"HOST", "GPU", "NAME", "FREE", "TOTAL", "HELD BY"});
        for (HostGpus h : hosts) {
            if (h.gpus().isEmpty()) rows.add(new String[]{h.host(), "-", "(no GPUs)", "-", "-", "-"});
            for (HostGpus.Device d : h.gpus()) {
                Gpu g = d.gpu();
                String jobs = holds.stream().filter(x -> x.on(h.host(), g)).map(GpuHold::job).sorted().collect(Collectors.joining(","));
                boolean known = g.vramMb() > 0 && !g.deviceId().isEmpty();
                rows.add(new String[]{h.host(), String.valueOf(g.index()), g.name(), known ? free(h.host(), d, holds) + " MiB" : "-",
                        g.vramMb() > 0 ? g.vramMb() + " MiB" : "unknown", g.deviceId().isEmpty() ? "(no UUID: not placed on)" : jobs.isEmpty() ? "-" : jobs});
            }
        }
        return zed.reconciler.Columns.render(rows);
    }
}
