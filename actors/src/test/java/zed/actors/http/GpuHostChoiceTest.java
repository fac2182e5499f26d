package zed.actors.http;

import org.junit.jupiter.api.Test;
import zed.actors.host.HostCard;
import zed.config.eval.DeclaredGpus;
import zed.reconciler.gpu.GpuLevelHost;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The host of a new level of GPU jobs, from the hosts' cards: pure, milliseconds. */
class GpuHostChoiceTest {
    static final DeclaredGpus NEEDS_20G = DeclaredGpus.of("Zedfile", """
            model "m" { requires = { vram = "20G" } }
            job "a" { model = model.m }
            """);

    static HostCard.Report card(String host, HostCard.GpuCard... gpus) {
        return new HostCard.Report(host, "tank", 1L << 30, true, List.of(gpus), null);
    }

    static HostCard.GpuCard gpu(String uuid, long gib, long heldGib) {
        return new HostCard.GpuCard(uuid, "NVIDIA A" + gib, gib * 1024, heldGib * 1024);
    }

    @Test
    void theLevelGoesToTheHostWhoseGpuFitsLessWhatItsJobsHold() {
        List<HostCard.Report> cards = List.of(card("h1"), card("h2", gpu("GPU-2", 24, 10)), card("h3", gpu("GPU-3", 48, 0)));
        assertEquals(new GpuLevelHost.Chosen("h3", false), GpuHostChoice.choose(NEEDS_20G, cards, Set.of("h1", "h2", "h3")),
                "h2's 24G GPU has 14G free: h3's takes the job");
        assertEquals(new GpuLevelHost.Chosen("h2", false), GpuHostChoice.choose(NEEDS_20G,
                List.of(card("h2", gpu("GPU-2", 24, 0)), card("h3", gpu("GPU-3", 48, 0))), Set.of("h2", "h3")), "the smallest GPU that fits");
    }

    @Test
    void aRefusalNeedsEveryMembersInventoryAndSaysWhereAtTheJob() {
        List<HostCard.Report> small = List.of(card("h1"), card("h2", gpu("GPU-2", 16, 0)));
        GpuLevelHost.Refused r = assertInstanceOf(GpuLevelHost.Refused.class, GpuHostChoice.choose(NEEDS_20G, small, Set.of("h1", "h2")));
        zed.config.Diagnostic d = GpuHostChoice.refusal(NEEDS_20G, r);
        assertEquals(2, d.pos().line());
        assertTrue(d.message().startsWith("job \"a\" (model m): fits on no host: no host has a GPU with 20480 MiB free"), d.message());
        // h3 did not answer, or had no inventory yet: it may have the GPU; the level goes where a push without jobs goes
        assertNull(GpuHostChoice.choose(NEEDS_20G, small, Set.of("h1", "h2", "h3")));
        HostCard.Report notTaken = new HostCard.Report("h3", "tank", 1, true, List.of(), "the GPU inventory is not taken yet (or did not answer in 1500 ms)");
        assertNull(GpuHostChoice.choose(NEEDS_20G, Arrays.asList(small.get(0), small.get(1), notTaken, null), Set.of("h1", "h2", "h3")));
    }
}
