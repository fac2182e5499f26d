package zed.reconciler.gpu;

import org.junit.jupiter.api.Test;
import zed.config.LevelSpec.Requires;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** Placement by VRAM, pure: which host and GPUs a job gets, the env it gets, and why it waits or is refused. */
class GpuPlacementTest {
    static final String H100 = "GPU-1d451a1d-33bd-b9d2-0064-349dd94b5bb8";
    static final String A10 = "GPU-aaaaaaaa-0000-0000-0000-000000000001";
    static final String L40 = "GPU-bbbbbbbb-0000-0000-0000-000000000002";

    static HostGpus.Device nvidia(int index, String name, long gib, String uuid, Integer vulkan) {
        return new HostGpus.Device(new Gpu(index, "nvidia", name, gib * 1024, "580.159.04", uuid, Gpu.Source.NVIDIA_SMI), vulkan, index);
    }

    static HostGpus host(String name, HostGpus.Device... gpus) {
        return new HostGpus(name, List.of(gpus));
    }

    static Requires gib(long gib, int gpus) {
        return new Requires(gib * 1024, gpus);
    }

    static final List<HostGpus> CLUSTER = List.of(
            host("h1", nvidia(0, "NVIDIA H100 80GB HBM3", 80, H100, 0)),
            host("h2", nvidia(0, "NVIDIA A10", 24, A10, 1), nvidia(1, "NVIDIA L40", 48, L40, 0)));

    @Test
    void the_smallest_gpu_that_fits_wins_and_the_job_gets_its_uuid_cuda_and_vulkan_device() {
        Placement.Placed p = assertInstanceOf(Placement.Placed.class, GpuPlacement.place(gib(20, 1), CLUSTER, List.of()));
        assertEquals("h2", p.host());
        assertEquals(A10, p.gpus().get(0).gpu().uuid());
        assertEquals(List.of(20L * 1024), p.vramMb());
        assertEquals(Map.of("ZED_GPU_UUIDS", A10, "CUDA_VISIBLE_DEVICES", A10, "ZED_VULKAN_DEVICE", "1"), p.env());

        p = assertInstanceOf(Placement.Placed.class, GpuPlacement.place(gib(40, 1), CLUSTER, List.of()));
        assertEquals(L40, p.gpus().get(0).gpu().uuid(), "48G fits 40G before 80G does");
        p = assertInstanceOf(Placement.Placed.class, GpuPlacement.place(gib(60, 1), CLUSTER, List.of()));
        assertEquals(H100, p.gpus().get(0).gpu().uuid());
    }

    @Test
    void free_vram_is_the_inventory_less_what_placed_jobs_hold_and_two_jobs_share_a_gpu_that_holds_both() {
        List<GpuHold> holds = new ArrayList<>();
        Placement.Placed first = assertInstanceOf(Placement.Placed.class, GpuPlacement.place(gib(30, 1), List.of(CLUSTER.get(0)), holds));
        holds.addAll(first.holds("a"));
        assertEquals(List.of(new GpuHold("a", "h1", H100, 30L * 1024)), holds);
        Placement.Placed second = assertInstanceOf(Placement.Placed.class, GpuPlacement.place(gib(50, 1), List.of(CLUSTER.get(0)), holds));
        assertEquals(H100, second.gpus().get(0).gpu().uuid(), "80G less 30G held leaves 50G");
        holds.addAll(second.holds("b"));
        assertEquals(0, GpuPlacement.free("h1", CLUSTER.get(0).gpus().get(0), holds));

        // best fit on what is free: the L40 with 30G held has 18G free, and takes 16G before the empty A10 (24G)
        Placement.Placed p = assertInstanceOf(Placement.Placed.class,
                GpuPlacement.place(gib(16, 1), CLUSTER, List.of(new GpuHold("c", "h2", L40.substring(4).toUpperCase(), 30L * 1024))));
        assertEquals(L40, p.gpus().get(0).gpu().uuid(), "a hold names its GPU by UUID however a source wrote it");
    }

    @Test
    void ties_are_broken_by_host_name_then_uuid_whatever_the_order_of_the_inventory() {
        List<HostGpus> same = new ArrayList<>(List.of(
                host("h3", nvidia(0, "NVIDIA A10", 24, "GPU-00000000-0000-0000-0000-000000000003", null)),
                host("h2", nvidia(0, "NVIDIA A10", 24, "GPU-00000000-0000-0000-0000-000000000009", null),
                        nvidia(1, "NVIDIA A10", 24, "GPU-00000000-0000-0000-0000-000000000002", null))));
        for (int i = 0; i < 4; i++) {
            Collections.shuffle(same);
            Placement.Placed p = assertInstanceOf(Placement.Placed.class, GpuPlacement.place(gib(8, 1), same, List.of()));
            assertEquals("h2", p.host());
            assertEquals("GPU-00000000-0000-0000-0000-000000000002", p.gpus().get(0).gpu().uuid());
        }
    }

    @Test
    void vram_is_per_gpu_and_all_the_gpus_of_a_job_are_on_one_host() {
        // two GPUs with 40G each: not the H100 alone (one GPU), not the A10 and the L40 (the A10 has 24G)
        Placement.Refused r = assertInstanceOf(Placement.Refused.class, GpuPlacement.place(gib(40, 2), CLUSTER, List.of()));
        assertEquals("fits on no host: no host has 2 GPUs, each with 40960 MiB free; free VRAM per GPU:", r.message().lines().findFirst().orElseThrow());
        Placement.Placed p = assertInstanceOf(Placement.Placed.class, GpuPlacement.place(gib(20, 2), CLUSTER, List.of()));
        assertEquals("h2", p.host());
        assertEquals(Map.of("ZED_GPU_UUIDS", A10 + "," + L40, "CUDA_VISIBLE_DEVICES", A10 + "," + L40, "ZED_VULKAN_DEVICE", "1,0"), p.env());
        assertEquals(List.of(new GpuHold("j", "h2", A10, 20L * 1024), new GpuHold("j", "h2", L40, 20L * 1024)), p.holds("j"));
    }

    @Test
    void without_vram_a_job_takes_each_gpu_whole_and_only_a_gpu_nothing_holds() {
        Placement.Placed p = assertInstanceOf(Placement.Placed.class, GpuPlacement.place(Requires.DEFAULT, CLUSTER,
                List.of(new GpuHold("a", "h2", A10, 1024))));
        assertEquals(L40, p.gpus().get(0).gpu().uuid(), "the A10 holds 1G of another job's: not whole");
        assertEquals(List.of(48L * 1024), p.vramMb(), "it holds all of it");
    }

    @Test
    void a_job_that_fits_once_a_busy_gpu_frees_waits_and_says_for_whom() {
        List<GpuHold> holds = List.of(new GpuHold("pretrain", "h1", H100, 70L * 1024), new GpuHold("eval", "h2", L40, 10L * 1024));
        Placement.Waiting w = assertInstanceOf(Placement.Waiting.class, GpuPlacement.place(gib(60, 1), CLUSTER, holds));
        assertEquals(List.of("h1"), w.hosts());
        assertEquals("waiting for a GPU: it fits on h1 once job pretrain ends", w.reason());
        assertEquals("""
                HOST  GPU  NAME                   FREE       TOTAL      HELD BY
                h1    0    NVIDIA H100 80GB HBM3  10240 MiB  81920 MiB  pretrain
                h2    0    NVIDIA A10             24576 MiB  24576 MiB  -
                h2    1    NVIDIA L40             38912 MiB  49152 MiB  eval
                """, w.table());
    }

    @Test
    void a_job_that_fits_nowhere_even_with_every_gpu_free_is_refused_with_a_table_of_free_vram() {
        List<HostGpus> hosts = List.of(CLUSTER.get(1), host("h0"),
                host("h9", new HostGpus.Device(new Gpu(0, "amd", "Radeon Pro W7900", 0, "23.3.1", "", Gpu.Source.VULKAN), 0, null)));
        Placement.Refused r = assertInstanceOf(Placement.Refused.class,
                GpuPlacement.place(gib(100, 1), hosts, List.of(new GpuHold("eval", "h2", A10, 4096))));
        assertEquals("""
                fits on no host: no host has a GPU with 102400 MiB free; free VRAM per GPU:
                HOST  GPU  NAME              FREE       TOTAL      HELD BY
                h0    -    (no GPUs)         -          -          -
                h2    0    NVIDIA A10        20480 MiB  24576 MiB  eval
                h2    1    NVIDIA L40        49152 MiB  49152 MiB  -
                h9    0    Radeon Pro W7900  -          unknown    (no UUID: not placed on)
                """, r.message());
    }

    @Test
    void a_gpu_that_is_not_nvidia_hides_cuda_and_one_the_vulkan_loader_did_not_list_has_no_vulkan_device() {
        String uuid = "6e3fa3b4-7a1f-2c4b-9d0e-1f2a3b4c5d6e";
        HostGpus amd = host("h1", new HostGpus.Device(new Gpu(0, "amd", "Radeon Pro W7900", 48 * 1024, "23.3.1", uuid, Gpu.Source.VULKAN), 2, null));
        Placement.Placed p = assertInstanceOf(Placement.Placed.class, GpuPlacement.place(gib(8, 1), List.of(amd), List.of()));
        assertEquals(Map.of("ZED_GPU_UUIDS", uuid, "CUDA_VISIBLE_DEVICES", "", "ZED_VULKAN_DEVICE", "2"), p.env());

        // an NVIDIA GPU seen by Vulkan only (no nvidia-smi): CUDA takes the same 16 bytes as GPU-<uuid>
        HostGpus vk = host("h1", new HostGpus.Device(new Gpu(0, "nvidia", "NVIDIA L4", 24 * 1024, "550.54.15", uuid, Gpu.Source.VULKAN), null, null));
        p = assertInstanceOf(Placement.Placed.class, GpuPlacement.place(gib(8, 1), List.of(vk), List.of()));
        assertEquals(Map.of("ZED_GPU_UUIDS", uuid, "CUDA_VISIBLE_DEVICES", "GPU-" + uuid), p.env());
    }

    @Test
    void a_hosts_gpus_come_from_its_facts_with_cuda_indices_from_nvidia_smi_and_vulkan_indices_by_uuid() {
        Gpu smi = new Gpu(0, "nvidia", "NVIDIA H100 80GB HBM3", 81559, "580.159.04", H100, Gpu.Source.NVIDIA_SMI);
        Gpu vk = new Gpu(1, "amd", "Radeon", 16384, "23.3.1", "6e3fa3b4-7a1f-2c4b-9d0e-1f2a3b4c5d6e", Gpu.Source.VULKAN);
        HostGpus h = HostGpus.of(new HostFacts("gpu1", List.of(smi, vk)), Map.of(smi.deviceId(), 1, vk.deviceId(), 0));
        assertEquals(List.of(new HostGpus.Device(smi, 1, 0), new HostGpus.Device(vk, 0, null)), h.gpus());
    }
}
