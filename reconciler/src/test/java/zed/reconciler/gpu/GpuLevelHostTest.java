package zed.reconciler.gpu;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static zed.reconciler.gpu.GpuPlacementTest.A10;
import static zed.reconciler.gpu.GpuPlacementTest.CLUSTER;
import static zed.reconciler.gpu.GpuPlacementTest.H100;
import static zed.reconciler.gpu.GpuPlacementTest.gib;

/** Which host a new level of GPU jobs goes to, pure: every job of a level on one host. */
class GpuLevelHostTest {
    static GpuLevelHost.Need need(String job, long gib, int gpus) {
        return new GpuLevelHost.Need(job, gib(gib, gpus));
    }

    @Test
    void a_level_goes_to_the_host_whose_smallest_fitting_gpu_takes_its_first_job() {
        assertEquals(new GpuLevelHost.Chosen("h2", false), GpuLevelHost.choose(List.of(need("a", 20, 1)), CLUSTER, List.of()));
        assertEquals(new GpuLevelHost.Chosen("h1", false), GpuLevelHost.choose(List.of(need("a", 60, 1)), CLUSTER, List.of()));
    }

    @Test
    void all_of_a_levels_jobs_go_to_one_host_that_takes_them_together() {
        // 20G alone would go to h2's A10; with a 60G job beside it only h1 takes both
        assertEquals(new GpuLevelHost.Chosen("h1", false), GpuLevelHost.choose(List.of(need("a", 20, 1), need("b", 60, 1)), CLUSTER, List.of()));
        // two GPUs of one host: only h2 has two
        assertEquals(new GpuLevelHost.Chosen("h2", false), GpuLevelHost.choose(List.of(need("a", 10, 2)), CLUSTER, List.of()));
    }

    @Test
    void what_placed_jobs_hold_counts_and_a_host_where_the_jobs_would_wait_is_chosen_only_when_none_takes_them_now() {
        List<GpuHold> h1Full = List.of(new GpuHold("train", "h1", H100, 70L * 1024));
        assertEquals(new GpuLevelHost.Chosen("h2", false), GpuLevelHost.choose(List.of(need("a", 30, 1)), CLUSTER, h1Full),
                "h1 has 10G free: h2's L40 takes 30G now");
        List<GpuHold> bothFull = List.of(h1Full.get(0), new GpuHold("eval", "h2", GpuPlacementTest.L40, 40L * 1024));
        assertEquals(new GpuLevelHost.Chosen("h1", true), GpuLevelHost.choose(List.of(need("a", 60, 1)), CLUSTER, bothFull),
                "only h1's GPU could ever take 60G: the level goes there and its job waits");
    }

    @Test
    void a_job_that_fits_on_no_host_is_refused_by_name_with_every_hosts_table() {
        GpuLevelHost.Refused r = assertInstanceOf(GpuLevelHost.Refused.class,
                GpuLevelHost.choose(List.of(need("a", 20, 1), need("big", 100, 1)), CLUSTER, List.of()));
        assertEquals("big", r.job());
        assertTrue(r.message().startsWith("fits on no host: "), r.message());
        assertTrue(r.message().contains("h1") && r.message().contains("h2") && r.message().contains(A10.substring(0, 0) + "NVIDIA A10"), r.message());
    }

    @Test
    void jobs_that_each_fit_somewhere_but_not_together_on_one_host_are_refused_with_the_table() {
        // 70G fits only h1's H100, and two GPUs only h2: no one host takes both
        GpuLevelHost.Refused r = assertInstanceOf(GpuLevelHost.Refused.class,
                GpuLevelHost.choose(List.of(need("a", 70, 1), need("b", 10, 2)), CLUSTER, List.of()));
        assertNull(r.job());
        assertTrue(r.message().contains("fit on no one host together") && r.message().contains("NVIDIA L40"), r.message());
    }
}
