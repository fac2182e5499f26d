package zed.actors.host;

import zed.reconciler.gpu.Found;
import zed.reconciler.gpu.Gpu;
import zed.reconciler.gpu.GpuSource;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A GPU source whose GPUs a test sets, and that remembers the threads it was asked on. */
final class FakeSource implements GpuSource {
    static final Gpu H100 = new Gpu(0, "nvidia", "NVIDIA H100 80GB HBM3", 81559, "550.54.15", "GPU-6e3fa3b4-7a1f-2c4b-9d0e-1f2a3b4c5d6e", Gpu.Source.NVIDIA_SMI);
    static final Gpu A100 = new Gpu(1, "nvidia", "NVIDIA A100-SXM4-40GB", 40960, "550.54.15", "GPU-0b9c8d7e-6f5a-4b3c-2d1e-0f9a8b7c6d5e", Gpu.Source.NVIDIA_SMI);

    volatile List<Gpu> gpus;
    final Set<String> threads = ConcurrentHashMap.newKeySet();

    FakeSource(Gpu... gpus) {
        this.gpus = List.of(gpus);
    }

    @Override
    public Found find() {
        threads.add(Thread.currentThread().getName());
        return new Found("fake", gpus, List.of());
    }

    static Gpu withDriver(Gpu g, String driver) {
        return new Gpu(g.index(), g.vendor(), g.name(), g.vramMb(), driver, g.uuid(), g.source());
    }
}
