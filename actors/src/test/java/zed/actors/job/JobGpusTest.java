package zed.actors.job;

import org.junit.jupiter.api.Test;
import zed.config.LevelSpec;
import zed.reconciler.gpu.Gpu;
import zed.reconciler.gpu.HostFacts;
import zed.reconciler.gpu.Inventory;
import zed.reconciler.job.JobSupervisor;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** Which jobs a GPU takes along when it goes away, and their placement again on the GPUs that remain. Pure: no actors, no I/O. */
class JobGpusTest {
    static final Gpu A10 = new Gpu(0, "nvidia", "NVIDIA A10", 24576, "550.54.15", "GPU-aaaaaaaa-0000-0000-0000-000000000001", Gpu.Source.NVIDIA_SMI);
    static final Gpu L40 = new Gpu(1, "nvidia", "NVIDIA L40", 49152, "550.54.15", "GPU-bbbbbbbb-0000-0000-0000-000000000002", Gpu.Source.NVIDIA_SMI);
    static final LevelSpec.Requires EIGHT = new LevelSpec.Requires(8192L, 1);
    static final LevelSpec.Requires THIRTY = new LevelSpec.Requires(30L * 1024, 1);

    final AtomicReference<Inventory> inventory = new AtomicReference<>(of(A10, L40));
    final JobGpus gpus = new JobGpus(inventory::get);

    static Inventory of(Gpu... g) {
        return new Inventory(new HostFacts("h1", List.of(g)), List.of());
    }

    static CheckpointEndpoint.JobKey job(String name) {
        return new CheckpointEndpoint.JobKey("lab", name);
    }

    @Test
    void aGpuTakesAlongOnlyTheJobsPlacedOnItWhateverTheFormOfItsUuid() {
        assertInstanceOf(JobSupervisor.Taken.class, gpus.take(job("small"), EIGHT)); // the A10: the smallest that fits
        assertInstanceOf(JobSupervisor.Taken.class, gpus.take(job("big"), THIRTY)); // only the L40 fits
        assertEquals(List.of(job("small")), gpus.holding(A10));
        assertEquals(List.of(job("big")), gpus.holding(L40));
        // Vulkan writes the same device without GPU- and in upper case
        Gpu asVulkan = new Gpu(0, "nvidia", "NVIDIA A10", 24576, "550.54.15", "AAAAAAAA-0000-0000-0000-000000000001", Gpu.Source.VULKAN);
        assertEquals(List.of(job("small")), gpus.holding(asVulkan));
        assertEquals(List.of(), gpus.holding(new Gpu(2, "amd", "Radeon", 0, "", "", Gpu.Source.VULKAN)), "a GPU without a UUID holds no job");
        gpus.free(job("small"));
        assertEquals(List.of(), gpus.holding(A10));
    }

    @Test
    void freedOffALostGpuAJobIsPlacedOnTheGpusThereAreNowOrWaits() {
        JobSupervisor.Taken first = assertInstanceOf(JobSupervisor.Taken.class, gpus.take(job("small"), EIGHT));
        assertEquals(A10.uuid(), first.env().get("ZED_GPU_UUIDS"));
        inventory.set(of(L40.withIndex(0)));
        assertEquals(A10.uuid(), ((JobSupervisor.Taken) gpus.take(job("small"), EIGHT)).env().get("ZED_GPU_UUIDS"), "held until freed");
        gpus.free(job("small"));
        JobSupervisor.Taken again = assertInstanceOf(JobSupervisor.Taken.class, gpus.take(job("small"), EIGHT));
        assertEquals(L40.uuid(), again.env().get("ZED_GPU_UUIDS"));
        assertEquals("GPU-" + L40.uuid().substring(4), again.env().get("CUDA_VISIBLE_DEVICES"));

        gpus.free(job("small"));
        inventory.set(of());
        JobSupervisor.Wait none = assertInstanceOf(JobSupervisor.Wait.class, gpus.take(job("small"), EIGHT));
        assertEquals(true, none.why().startsWith("waiting for a GPU: "), none.why());
    }
}
