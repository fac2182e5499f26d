package zed.actors.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import zed.reconciler.gpu.Gpu;
import zed.reconciler.gpu.GpuSource;
import zed.reconciler.gpu.HostInventory;
import zed.reconciler.gpu.Inventory;
import zed.reconciler.gpu.NvidiaSmi;
import zed.reconciler.gpu.VulkanDevices;
import zed.reconciler.store.ProcessCommand;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "inventory", description = {"Takes this host's inventory: its name and GPUs (nvidia-smi, then the Vulkan loader),",
        "the host facts that a node keeps on <pool>/zed. Changes nothing."})
final class InventoryCommand implements Callable<Integer> {
    enum Format { table, json }

    @Option(names = "--format", paramLabel = "FORMAT", description = "table (default) or json")
    Format format = Format.table;

    @Option(names = "--nvidia-smi", paramLabel = "PATH", description = "run this nvidia-smi instead of the one on PATH")
    Path nvidiaSmi;

    @Option(names = "--no-vulkan", description = "do not ask the Vulkan loader")
    boolean noVulkan;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        List<GpuSource> sources = new ArrayList<>();
        sources.add(nvidiaSmi != null ? new NvidiaSmi(new ProcessCommand(), nvidiaSmi, Duration.ofSeconds(15)) : NvidiaSmi.onThisHost());
        if (!noVulkan) sources.add(new VulkanDevices());
        Inventory inv = new HostInventory(HostInventory.hostName(), sources).take();
        PrintWriter out = spec.commandLine().getOut();
        out.print(format == Format.json ? inv.json() + "\n" : table(inv));
        out.flush();
        return 0;
    }

    static String table(Inventory inv) {
        List<Gpu> gpus = inv.facts().gpus();
        StringBuilder b = new StringBuilder("host " + inv.facts().host() + ", " + (gpus.isEmpty() ? "no GPUs" : gpus.size() + (gpus.size() == 1 ? " GPU" : " GPUs")) + "\n");
        if (!gpus.isEmpty()) {
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[]{"GPU", "VENDOR", "NAME", "VRAM", "DRIVER", "SOURCE", "UUID"});
            for (Gpu g : gpus) {
                rows.add(new String[]{String.valueOf(g.index()), g.vendor(), g.name(), g.vramMb() > 0 ? g.vramMb() + " MiB" : "-",
                        g.driver().isEmpty() ? "-" : g.driver(), g.source().label, g.uuid().isEmpty() ? "-" : g.uuid()});
            }
            b.append(zed.reconciler.Columns.render(rows));
        }
        for (String n : inv.notes()) b.append("note: ").append(n).append('\n');
        return b.toString();
    }
}
