package zed.reconciler.gpu;

import zed.config.LevelSpec.Requires;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Which host of the cluster a new level of GPU jobs runs on, when its Zedfile names none. A level runs on one host
 * (its datasets are on that host's pool), so all its jobs go to one host: the host where every job fits now, chosen
 * as {@link GpuPlacement} chooses for the level's first job (the smallest GPU that fits wins); else a host where they
 * all fit once placed jobs end (they wait there, Pending); else none, and the push is refused with the table of every
 * host's GPUs.
 */
public final class GpuLevelHost {
    private GpuLevelHost() {
    }

    public sealed interface Choice {
    }

    /** @param waiting whether a job will wait there for GPUs that placed jobs hold */
    public record Chosen(String host, boolean waiting) implements Choice {
    }

    /** @param job the job that fits nowhere (the first), or null when each fits somewhere but not all on one host */
    public record Refused(String job, String message) implements Choice {
    }

    /** @param needs the level's jobs' needs, in the order written, at least one */
    public static Choice choose(List<Need> needs, List<HostGpus> hosts, List<GpuHold> holds) {
        for (Need n : needs) {
            if (GpuPlacement.place(n.requires(), hosts, holds) instanceof Placement.Refused r) return new Refused(n.job(), r.message());
        }
        List<HostGpus> now = new ArrayList<>();
        List<HostGpus> later = new ArrayList<>();
        for (HostGpus h : hosts.stream().sorted(Comparator.comparing(HostGpus::host)).toList()) {
            switch (fitsAll(needs, h, holds)) {
                case NOW -> now.add(h);
                case LATER -> later.add(h);
                case NEVER -> {
                }
            }
        }
        Optional<String> best = firstJobsHost(needs.get(0), now, holds);
        if (best.isPresent()) return new Chosen(best.get(), false);
        best = firstJobsHost(needs.get(0), later, holds);
        if (best.isPresent()) return new Chosen(best.get(), true);
        return new Refused(null, "the level's jobs fit on no one host together (a level runs on one host); free VRAM per GPU:\n"
                + GpuPlacement.table(hosts.stream().sorted(Comparator.comparing(HostGpus::host)).toList(), holds));
    }

    /** One job of the level and what its model requires. */
    public record Need(String job, Requires requires) {
    }

    private enum Fit { NOW, LATER, NEVER }

    /** Places the jobs one after the other on this host alone, each holding what it takes for the next. */
    private static Fit fitsAll(List<Need> needs, HostGpus host, List<GpuHold> holds) {
        List<GpuHold> held = new ArrayList<>(holds);
        Fit fit = Fit.NOW;
        for (Need n : needs) {
            Placement p = GpuPlacement.place(n.requires(), List.of(host), held);
            if (p instanceof Placement.Placed placed) {
                held.addAll(placed.holds(n.job()));
            } else if (p instanceof Placement.Waiting) {
                fit = Fit.LATER;
            } else {
                return Fit.NEVER;
            }
        }
        return fit;
    }

    /** Of the hosts that take every job, the one {@link GpuPlacement} picks for the first job. */
    private static Optional<String> firstJobsHost(Need first, List<HostGpus> hosts, List<GpuHold> holds) {
        if (hosts.isEmpty()) return Optional.empty();
        Placement p = GpuPlacement.place(first.requires(), hosts, holds);
        if (p instanceof Placement.Placed placed) return Optional.of(placed.host());
        if (p instanceof Placement.Waiting w && !w.hosts().isEmpty()) return Optional.of(w.hosts().get(0));
        return Optional.of(hosts.get(0).host());
    }
}
