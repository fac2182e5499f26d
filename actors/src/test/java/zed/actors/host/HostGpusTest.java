package zed.actors.host;

import org.junit.jupiter.api.Test;
import zed.actors.host.HostEvent.GpuDriverChanged;
import zed.actors.host.HostEvent.GpuFound;
import zed.actors.host.HostEvent.GpuLost;
import zed.reconciler.gpu.Gpu;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What a host journals of an inventory, given the GPUs it already journaled: only changes, none twice. */
class HostGpusTest {
    static final Instant AT = Instant.parse("2026-12-05T12:00:00Z");
    static final Gpu H100 = FakeSource.H100;
    static final Gpu A100 = FakeSource.A100;
    static final Gpu W7900 = new Gpu(2, "amd", "AMD Radeon Pro W7900", 49152, "", "", Gpu.Source.VULKAN);

    /** The state after journaling what {@code gpus} changes, as a replay of those events makes it. */
    static HostGpus after(HostGpus s, List<Gpu> gpus) {
        for (HostEvent e : s.next(gpus, AT)) s = s.apply(e);
        return s;
    }

    static GpuFound found(Gpu g, boolean back) {
        return new GpuFound(g.uuid(), g.name(), g.vendor(), g.index(), g.vramMb(), g.driver(), back, AT);
    }

    static GpuLost lost(Gpu g) {
        return new GpuLost(g.uuid(), g.name(), g.vendor(), g.index(), g.vramMb(), g.driver(), AT);
    }

    @Test
    void aFirstInventoryFindsEveryGpuAndTheSameOneAgainChangesNothing() {
        HostGpus s = HostGpus.empty();
        assertEquals(List.of(found(H100, false), found(A100, false), found(W7900, false)), s.next(List.of(H100, A100, W7900), AT));
        s = after(s, List.of(H100, A100, W7900));
        assertEquals(List.of(), s.next(List.of(H100, A100, W7900), AT), "an unchanged host journals nothing");
        assertEquals(List.of(), s.next(List.of(W7900, H100.withIndex(5), A100), AT), "another index or order is no change");
    }

    @Test
    void aGpuNoLongerFoundIsLostOnceAndFoundBackWhenItReturns() {
        HostGpus s = after(HostGpus.empty(), List.of(H100, A100));
        assertEquals(List.of(lost(A100)), s.next(List.of(H100), AT));
        s = after(s, List.of(H100));
        assertEquals(List.of(), s.next(List.of(H100), AT), "a lost GPU is lost once, not at every inventory");
        assertEquals(List.of(lost(H100)), s.next(List.of(), AT));
        s = after(s, List.of());
        assertEquals(List.of(found(A100, true)), s.next(List.of(A100), AT), "a GPU it had lost is found back");
    }

    @Test
    void anotherDriverOnAGpuStillHereIsADriverChange() {
        HostGpus s = after(HostGpus.empty(), List.of(H100, A100));
        Gpu upgraded = FakeSource.withDriver(H100, "560.28.03");
        assertEquals(List.of(new GpuDriverChanged(H100.uuid(), H100.name(), "nvidia", 0, "550.54.15", "560.28.03", AT)),
                s.next(List.of(upgraded, A100), AT));
        s = after(s, List.of(upgraded, A100));
        assertEquals(List.of(), s.next(List.of(upgraded, A100), AT), "the new driver is what it knows now");
        assertEquals(List.of(lost(FakeSource.withDriver(H100, "560.28.03"))), s.next(List.of(A100), AT), "lost with the driver it had last");
    }

    @Test
    void theSameDeviceFromNvidiaSmiAndVulkanIsOneGpu() {
        Gpu fromVulkan = new Gpu(3, "nvidia", H100.name(), H100.vramMb(), H100.driver(), "6E3FA3B4-7A1F-2C4B-9D0E-1F2A3B4C5D6E", Gpu.Source.VULKAN);
        HostGpus s = after(HostGpus.empty(), List.of(H100));
        assertEquals(List.of(), s.next(List.of(fromVulkan), AT));
        assertEquals(List.of(found(A100, false)), s.next(List.of(H100, fromVulkan, A100), AT));
    }

    @Test
    void aGpuWithoutUuidIsKnownByVendorNameAndPlace() {
        HostGpus s = after(HostGpus.empty(), List.of(W7900));
        assertEquals("amd/AMD Radeon Pro W7900/2", HostGpus.key(W7900));
        assertEquals(List.of(found(W7900.withIndex(0), false), lost(W7900)), s.next(List.of(W7900.withIndex(0)), AT));
    }
}
