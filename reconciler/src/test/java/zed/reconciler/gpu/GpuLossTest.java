package zed.reconciler.gpu;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which changes of a GPU take its jobs off it, and how the operator reads why. */
class GpuLossTest {
    static final Gpu A10 = new Gpu(0, "nvidia", "NVIDIA A10", 24576, "550.54.15", "GPU-aaaaaaaa-0000-0000-0000-000000000001", Gpu.Source.NVIDIA_SMI);

    @Test
    void aGoneGpuIsNamedByItsUuidAndName() {
        assertEquals("GPU-aaaaaaaa-0000-0000-0000-000000000001 (NVIDIA A10) is gone", GpuLoss.gone(A10));
        Gpu noUuid = new Gpu(1, "amd", "Radeon Pro W7900", 0, "", "", Gpu.Source.VULKAN);
        assertEquals("GPU 1 (Radeon Pro W7900) is gone", GpuLoss.gone(noUuid));
    }

    @Test
    void aNewDriverTakesTheJobsOffTheGpu() {
        Gpu upgraded = new Gpu(0, "nvidia", "NVIDIA A10", 24576, "560.28.03", A10.uuid(), Gpu.Source.NVIDIA_SMI);
        assertEquals(Optional.of("GPU-aaaaaaaa-0000-0000-0000-000000000001 (NVIDIA A10): its driver changed from 550.54.15 to 560.28.03"),
                GpuLoss.changed(A10, upgraded));
        Gpu unloaded = new Gpu(0, "nvidia", "NVIDIA A10", 24576, "", A10.uuid(), Gpu.Source.NVIDIA_SMI);
        assertEquals(Optional.of("GPU-aaaaaaaa-0000-0000-0000-000000000001 (NVIDIA A10): its driver changed from 550.54.15 to (unknown)"),
                GpuLoss.changed(A10, unloaded));
    }

    @Test
    void anotherIndexOrReportedMemoryLeavesItsJobsRunning() {
        assertEquals(Optional.empty(), GpuLoss.changed(A10, A10.withIndex(3)), "jobs name their GPUs by UUID, not index");
        Gpu less = new Gpu(0, "nvidia", "NVIDIA A10", 23028, "550.54.15", A10.uuid(), Gpu.Source.NVIDIA_SMI);
        assertEquals(Optional.empty(), GpuLoss.changed(A10, less));
        assertEquals(Optional.empty(), GpuLoss.changed(A10, A10));
    }

    @Test
    void aJobTakenOffAGpuWaitsWithThatGpuFirstThenThePlacementsReason() {
        assertEquals("waiting for a GPU: GPU-a (NVIDIA A10) is gone; it fits on h1 once job pretrain ends",
                GpuLoss.waiting("GPU-a (NVIDIA A10) is gone", "waiting for a GPU: it fits on h1 once job pretrain ends"));
        assertEquals("waiting for a GPU: GPU-a (NVIDIA A10) is gone; fits on no host: no host has a GPU with 8192 MiB free",
                GpuLoss.waiting("GPU-a (NVIDIA A10) is gone", "fits on no host: no host has a GPU with 8192 MiB free"));
    }
}
