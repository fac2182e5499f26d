package zed.actors.host;

import org.junit.jupiter.api.Test;
import zed.reconciler.gpu.Gpu;
import zed.reconciler.gpu.HostGpus;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A host's card as placement reads it (a new level's host, a job's move): pure, milliseconds. */
class HostCardTest {
    @Test
    void itsGpusArePlaceableInTheCardsOrderWithWhatTheCardSays() {
        HostCard.Report r = new HostCard.Report("h2", "tank", 1L << 30, true, List.of(
                new HostCard.GpuCard("GPU-b", "NVIDIA A24", 24 * 1024, 10 * 1024), new HostCard.GpuCard("GPU-a", "llvmpipe", 2048, 0)), null);
        HostGpus gpus = r.placeable();
        assertEquals("h2", gpus.host());
        assertEquals(List.of(
                new HostGpus.Device(new Gpu(0, "", "NVIDIA A24", 24 * 1024, "", "GPU-b", null), null, null),
                new HostGpus.Device(new Gpu(1, "", "llvmpipe", 2048, "", "GPU-a", null), null, null)), gpus.gpus(),
                "the card carries no Vulkan or CUDA index, and what its jobs hold is not taken off here");
        assertTrue(r.inventoried());
    }

    @Test
    void aCardWithoutItsInventoryHasNoGpusToPlaceOnAndSaysSo() {
        HostCard.Report r = new HostCard.Report("h3", "tank", 1, true, List.of(), HostCard.NO_INVENTORY + " (or did not answer in 1500 ms)");
        assertFalse(r.inventoried(), "no inventory is not the same as no GPUs");
        assertEquals(List.of(), r.placeable().gpus());
        assertTrue(new HostCard.Report("h3", "tank", -1, false, List.of(), "pool tank did not answer").inventoried(), "its GPUs are known: none");
    }
}
