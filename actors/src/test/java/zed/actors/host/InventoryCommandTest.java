package zed.actors.host;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import zed.actors.cli.ZedCommand;
import zed.reconciler.gpu.HostInventory;
import zed.reconciler.gpu.VulkanDevices;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code zed inventory} as a user runs it. There is no NVIDIA hardware here: a script prints nvidia-smi's output as
 * captured on a host with two H100s. The real Vulkan loader is asked only where lavapipe is installed.
 */
class InventoryCommandTest {
    @TempDir
    Path tmp;

    record Run(int exit, String out, String err) {
    }

    static Run zed(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = ZedCommand.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    Path twoH100s() throws IOException {
        Path fake = tmp.resolve("nvidia-smi");
        Files.writeString(fake, """
                #!/bin/sh
                echo '0, GPU-6e3fa3b4-7a1f-2c4b-9d0e-1f2a3b4c5d6e, NVIDIA H100 80GB HBM3, 81559, 550.54.15'
                echo '1, GPU-0b9c8d7e-6f5a-4b3c-2d1e-0f9a8b7c6d5e, NVIDIA H100 80GB HBM3, 81559, 550.54.15'
                """);
        assertTrue(fake.toFile().setExecutable(true));
        return fake;
    }

    @Test
    void theTableShowsTheHostAndOneLinePerGpu() throws IOException {
        Run r = zed("inventory", "--nvidia-smi", twoH100s().toString(), "--no-vulkan");
        assertEquals(0, r.exit(), r.err());
        assertEquals("host " + HostInventory.hostName() + ", 2 GPUs\n"
                + "GPU  VENDOR  NAME                   VRAM       DRIVER     SOURCE      UUID\n"
                + "0    nvidia  NVIDIA H100 80GB HBM3  81559 MiB  550.54.15  nvidia-smi  GPU-6e3fa3b4-7a1f-2c4b-9d0e-1f2a3b4c5d6e\n"
                + "1    nvidia  NVIDIA H100 80GB HBM3  81559 MiB  550.54.15  nvidia-smi  GPU-0b9c8d7e-6f5a-4b3c-2d1e-0f9a8b7c6d5e\n", r.out());
    }

    @Test
    void jsonHasTheGpusAndTheExactPropertiesOfPoolZed() throws IOException {
        Run r = zed("inventory", "--format", "json", "--nvidia-smi", twoH100s().toString(), "--no-vulkan");
        assertEquals(0, r.exit(), r.err());
        String host = HostInventory.hostName();
        assertTrue(r.out().startsWith("{\"host\":\"" + host + "\",\"gpus\":[{\"index\":0,\"vendor\":\"nvidia\",\"name\":\"NVIDIA H100 80GB HBM3\","
                + "\"vram_mb\":81559,\"driver\":\"550.54.15\",\"uuid\":\"GPU-6e3fa3b4-7a1f-2c4b-9d0e-1f2a3b4c5d6e\",\"source\":\"nvidia-smi\"},"), r.out());
        assertTrue(r.out().contains("\"properties\":{\"com.zed:host\":\"" + host + "\",\"com.zed:gpu.count\":\"2\",\"com.zed:gpu.0.vendor\":\"nvidia\","), r.out());
        assertTrue(r.out().contains("\"com.zed:gpu.1.uuid\":\"GPU-0b9c8d7e-6f5a-4b3c-2d1e-0f9a8b7c6d5e\"},\"notes\":[]}\n"), r.out());
    }

    @Test
    void aHostWithoutNvidiaSmiOrGpusSaysSoAndIsNoError() {
        Run r = zed("inventory", "--nvidia-smi", tmp.resolve("missing/nvidia-smi").toString(), "--no-vulkan");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("host " + HostInventory.hostName() + ", no GPUs\nnote: nvidia-smi: "), r.out());
    }

    @Test
    void onThisMachineLavapipeIsNotedAsACpuDeviceAndIsNoGpu() {
        boolean lavapipe = new VulkanDevices().enumerate().devices().stream().anyMatch(d -> d.name().startsWith("llvmpipe"));
        if (!lavapipe && "1".equals(System.getenv("ZED_REQUIRE_VULKAN"))) throw new AssertionError("ZED_REQUIRE_VULKAN=1, but no lavapipe");
        Assumptions.assumeTrue(lavapipe, "no Vulkan loader or lavapipe; apt-get install mesa-vulkan-drivers libvulkan1");
        Run r = zed("inventory", "--nvidia-smi", tmp.resolve("missing/nvidia-smi").toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("note: vulkan: llvmpipe .* is a cpu device, not a GPU")), r.out());
        assertTrue(r.out().lines().noneMatch(l -> l.startsWith("0 ")), r.out());
    }
}
