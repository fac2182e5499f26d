package zed.actors.job;

import zed.config.LevelSpec;
import zed.reconciler.gpu.GpuHold;
import zed.reconciler.gpu.GpuPlacement;
import zed.reconciler.gpu.HostGpus;
import zed.reconciler.gpu.Inventory;
import zed.reconciler.gpu.Placement;
import zed.reconciler.job.JobSupervisor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * This host's GPUs and what the jobs placed on them hold: one per node, shared by every level's jobs, so that two
 * jobs never count the same free VRAM. A job takes its GPUs when it starts and holds them until it ends (succeeded,
 * failed, stopped); placement is {@link GpuPlacement} over this host alone (placement across the cluster is later).
 */
public final class JobGpus {
    private final Supplier<Inventory> inventory;
    private final Map<CheckpointEndpoint.JobKey, Placement.Placed> placed = new LinkedHashMap<>();

    /** @param inventory the host's latest inventory; blocking (it waits for the first one), called off the actors' threads */
    public JobGpus(Supplier<Inventory> inventory) {
        this.inventory = inventory;
    }

    /** The GPUs of the job: those it holds, else a placement now; or why it waits. */
    public JobSupervisor.Seat take(CheckpointEndpoint.JobKey job, LevelSpec.Requires need) {
        synchronized (this) {
            Placement.Placed held = placed.get(job);
            if (held != null) return new JobSupervisor.Taken(held.env());
        }
        HostGpus host;
        try {
            host = host();
        } catch (RuntimeException e) {
            return new JobSupervisor.Wait("waiting for a GPU: the host's GPU inventory is not known yet (" + e.getMessage() + ")");
        }
        synchronized (this) {
            Placement.Placed held = placed.get(job);
            if (held != null) return new JobSupervisor.Taken(held.env());
            Placement p = GpuPlacement.place(need, List.of(host), holds());
            if (p instanceof Placement.Placed ok) {
                placed.put(job, ok);
                return new JobSupervisor.Taken(ok.env());
            }
            if (p instanceof Placement.Waiting w) return new JobSupervisor.Wait(w.reason());
            // refused at its push; the GPUs changed since (one gone, a driver that lost one)
            return new JobSupervisor.Wait("waiting for a GPU: " + ((Placement.Refused) p).message());
        }
    }

    /** The GPUs the job holds, as the inventory names them (empty: none). */
    public synchronized List<String> held(CheckpointEndpoint.JobKey job) {
        Placement.Placed p = placed.get(job);
        return p == null ? List.of() : p.gpus().stream().map(d -> d.gpu().uuid()).toList();
    }

    /** The jobs placed on this GPU (by its UUID, as any source writes it): those it takes along when it goes away. */
    public synchronized List<CheckpointEndpoint.JobKey> holding(zed.reconciler.gpu.Gpu gpu) {
        String id = gpu.deviceId();
        if (id.isEmpty()) return List.of(); // a GPU without a UUID is never placed on
        List<CheckpointEndpoint.JobKey> out = new ArrayList<>();
        placed.forEach((k, p) -> {
            if (p.gpus().stream().anyMatch(d -> d.gpu().deviceId().equals(id))) out.add(k);
        });
        return out;
    }

    /** What the jobs placed here hold on the GPU of this UUID, in MiB: what {@code zed hosts} shows as not free. */
    public synchronized long heldMb(String uuid) {
        String id = zed.reconciler.gpu.Gpu.deviceId(uuid);
        return holds().stream().filter(h -> zed.reconciler.gpu.Gpu.deviceId(h.uuid()).equals(id)).mapToLong(GpuHold::vramMb).sum();
    }

    public synchronized void free(CheckpointEndpoint.JobKey job) {
        placed.remove(job);
    }

    /**
     * Why a job of this model can never run on this host, even with every GPU free (the push is refused with it: the
     * table of the host's GPUs); empty when it fits, or may once GPUs are freed.
     */
    public Optional<String> refusal(LevelSpec.Requires need) {
        Placement p = GpuPlacement.place(need, List.of(host()), List.of());
        return p instanceof Placement.Refused r ? Optional.of(r.message()) : Optional.empty();
    }

    private HostGpus host() {
        // the inventory keeps the Vulkan loader's device order beside the facts, so the job gets ZED_VULKAN_DEVICE
        return inventory.get().hostGpus();
    }

    private List<GpuHold> holds() {
        List<GpuHold> out = new ArrayList<>();
        placed.forEach((k, p) -> out.addAll(p.holds(k.job())));
        return out;
    }
}
