package zed.reconciler.gpu;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The host facts as STATE.md stores them, and the least writing that gets a dataset there. */
class HostFactsTest {
    static final Gpu H100 = new Gpu(0, "nvidia", "NVIDIA H100 80GB HBM3", 81559, "550.54.15", "GPU-6e3fa3b4-7a1f-2c4b-9d0e-1f2a3b4c5d6e", Gpu.Source.NVIDIA_SMI);
    static final Gpu RADEON = new Gpu(1, "amd", "AMD Radeon RX 7900 XTX (RADV NAVI31)", 24560, "23.3.1", "00000000-0300-0000-0000-000000000000", Gpu.Source.VULKAN);

    @Test
    void twoGpusAreTheHostTheCountAndFiveFieldsEach() {
        Map<String, String> want = new LinkedHashMap<>();
        want.put("com.zed:host", "gpu1");
        want.put("com.zed:gpu.count", "2");
        want.put("com.zed:gpu.0.vendor", "nvidia");
        want.put("com.zed:gpu.0.name", "NVIDIA H100 80GB HBM3");
        want.put("com.zed:gpu.0.vram_mb", "81559");
        want.put("com.zed:gpu.0.driver", "550.54.15");
        want.put("com.zed:gpu.0.uuid", "GPU-6e3fa3b4-7a1f-2c4b-9d0e-1f2a3b4c5d6e");
        want.put("com.zed:gpu.1.vendor", "amd");
        want.put("com.zed:gpu.1.name", "AMD Radeon RX 7900 XTX (RADV NAVI31)");
        want.put("com.zed:gpu.1.vram_mb", "24560");
        want.put("com.zed:gpu.1.driver", "23.3.1");
        want.put("com.zed:gpu.1.uuid", "00000000-0300-0000-0000-000000000000");
        assertEquals(List.copyOf(want.entrySet()), List.copyOf(new HostFacts("gpu1", List.of(H100, RADEON)).properties().entrySet()));
    }

    @Test
    void aHostWithoutGpusSaysZero() {
        assertEquals(Map.of("com.zed:host", "laptop", "com.zed:gpu.count", "0"), new HostFacts("laptop", List.of()).properties());
    }

    @Test
    void aFieldTheSourceDidNotKnowIsLeftOut() {
        Gpu bare = new Gpu(0, "intel", "Intel(R) Arc(tm) A770 Graphics (DG2)", 0, "", "", Gpu.Source.VULKAN);
        assertEquals(Map.of("com.zed:host", "h", "com.zed:gpu.count", "1", "com.zed:gpu.0.vendor", "intel",
                "com.zed:gpu.0.name", "Intel(R) Arc(tm) A770 Graphics (DG2)"), new HostFacts("h", List.of(bare)).properties());
    }

    @Test
    void unchangedFactsWriteNothing() {
        HostFacts f = new HostFacts("gpu1", List.of(H100, RADEON));
        assertTrue(f.diff(f.properties()).none());
    }

    @Test
    void aNewDriverWritesOnlyTheDriver() {
        HostFacts before = new HostFacts("gpu1", List.of(H100));
        Gpu upgraded = new Gpu(0, "nvidia", H100.name(), H100.vramMb(), "560.28.03", H100.uuid(), Gpu.Source.NVIDIA_SMI);
        HostFacts.Changes c = new HostFacts("gpu1", List.of(upgraded)).diff(before.properties());
        assertEquals(Map.of("com.zed:gpu.0.driver", "560.28.03"), c.set());
        assertEquals(List.of(), c.clear());
    }

    @Test
    void aGpuThatIsGoneHasItsPropertiesClearedAndOtherStateIsLeftAlone() {
        Map<String, String> observed = new LinkedHashMap<>(new HostFacts("gpu1", List.of(H100, RADEON)).properties());
        observed.put("com.zed:managed", "true"); // not a host fact: never touched
        HostFacts.Changes c = new HostFacts("gpu1", List.of(H100)).diff(observed);
        assertEquals(Map.of("com.zed:gpu.count", "1"), c.set());
        assertEquals(List.of("com.zed:gpu.1.driver", "com.zed:gpu.1.name", "com.zed:gpu.1.uuid", "com.zed:gpu.1.vendor", "com.zed:gpu.1.vram_mb"),
                c.clear());
    }

    @Test
    void aFieldThatBecameUnknownIsCleared() {
        Gpu noUuid = new Gpu(0, "nvidia", H100.name(), H100.vramMb(), H100.driver(), "", Gpu.Source.VULKAN);
        HostFacts.Changes c = new HostFacts("gpu1", List.of(noUuid)).diff(new HostFacts("gpu1", List.of(H100)).properties());
        assertEquals(Map.of(), c.set());
        assertEquals(List.of("com.zed:gpu.0.uuid"), c.clear());
    }
}
