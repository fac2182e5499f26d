package zed.reconciler.gpu;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.reconciler.store.Command;
import zed.reconciler.store.StoreError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * nvidia-smi at the level of its output: there is no NVIDIA hardware here, so these tests feed the parser lines
 * captured from real machines, and {@link NvidiaSmi#find()} a recorded command instead of the binary.
 */
class NvidiaSmiOutputTest {
    static final String H100_PAIR = """
            0, GPU-6e3fa3b4-7a1f-2c4b-9d0e-1f2a3b4c5d6e, NVIDIA H100 80GB HBM3, 81559, 550.54.15
            1, GPU-0b9c8d7e-6f5a-4b3c-2d1e-0f9a8b7c6d5e, NVIDIA H100 80GB HBM3, 81559, 550.54.15
            """;

    /** Answers every command with one result and remembers the argv and timeout it was given. */
    static final class Recorded implements Command {
        final Result result;
        final List<List<String>> argv = new ArrayList<>();
        Duration timeout;

        Recorded(Result result) {
            this.result = result;
        }

        @Override
        public Result run(List<String> a, Duration t, String subject) {
            argv.add(a);
            timeout = t;
            return result;
        }
    }

    @Test
    void outputOfTwoH100sIsTwoNvidiaGpusWithUuidMemoryAndDriver() {
        NvidiaSmi.Parsed p = NvidiaSmi.parse(H100_PAIR);
        assertEquals(List.of(), p.unreadable());
        assertEquals(List.of(
                new Gpu(0, "nvidia", "NVIDIA H100 80GB HBM3", 81559, "550.54.15", "GPU-6e3fa3b4-7a1f-2c4b-9d0e-1f2a3b4c5d6e", Gpu.Source.NVIDIA_SMI),
                new Gpu(1, "nvidia", "NVIDIA H100 80GB HBM3", 81559, "550.54.15", "GPU-0b9c8d7e-6f5a-4b3c-2d1e-0f9a8b7c6d5e", Gpu.Source.NVIDIA_SMI)),
                p.gpus());
    }

    @Test
    void outputWithACommaInTheNameAndAMissingMemoryKeepsTheWholeName() {
        NvidiaSmi.Parsed p = NvidiaSmi.parse("0, GPU-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee, Quadro RTX 8000, Max-Q, [N/A], 535.104.05\n");
        Gpu g = p.gpus().get(0);
        assertEquals("Quadro RTX 8000, Max-Q", g.name());
        assertEquals(0, g.vramMb());
        assertEquals("535.104.05", g.driver());
    }

    @Test
    void outputThatIsAMessageIsNoGpuAndIsReported() {
        NvidiaSmi.Parsed p = NvidiaSmi.parse("No devices were found\n");
        assertEquals(List.of(), p.gpus());
        assertEquals(List.of("No devices were found"), p.unreadable());
    }

    @Test
    void itRunsTheDocumentedQueryWithATimeout() {
        Recorded cmd = new Recorded(new Command.Result(0, H100_PAIR, ""));
        Found f = new NvidiaSmi(cmd, Path.of("/usr/bin/nvidia-smi"), Duration.ofSeconds(7)).find();
        assertEquals(List.of(List.of("/usr/bin/nvidia-smi", "--query-gpu=index,uuid,name,memory.total,driver_version",
                "--format=csv,noheader,nounits")), cmd.argv);
        assertEquals(Duration.ofSeconds(7), cmd.timeout);
        assertEquals(2, f.gpus().size());
        assertEquals(List.of(), f.notes());
    }

    @Test
    void noBinaryIsNoGpusAndSaysSo() {
        Found f = new NvidiaSmi(new Recorded(null), null, Duration.ofSeconds(1)).find();
        assertEquals(List.of(), f.gpus());
        assertEquals(List.of("not installed (no NVIDIA driver)"), f.notes());
    }

    @Test
    void outputOfADriverThatIsNotLoadedIsNoGpusWithItsMessage() {
        Recorded cmd = new Recorded(new Command.Result(9, "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. "
                + "Make sure that the latest NVIDIA driver is installed and running.\n\n", ""));
        Found f = new NvidiaSmi(cmd, Path.of("/usr/bin/nvidia-smi"), Duration.ofSeconds(1)).find();
        assertEquals(List.of(), f.gpus());
        assertTrue(f.notes().get(0).startsWith("exited 9: NVIDIA-SMI has failed because it couldn't communicate"), f.notes().toString());
    }

    @Test
    void aHangingNvidiaSmiIsNoGpusAndNamesTheTimeout() {
        Command hangs = (argv, t, subject) -> {
            throw new StoreError(StoreError.Kind.TIMEOUT, subject, "did not finish");
        };
        Found f = new NvidiaSmi(hangs, Path.of("/usr/bin/nvidia-smi"), Duration.ofSeconds(15)).find();
        assertEquals(List.of("did not answer within 15s"), f.notes());
    }

    @Test
    void itIsFoundOnPathBeforeTheUsualPlaces(@TempDir Path tmp) throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path other = Files.createDirectories(tmp.resolve("usr-local-nvidia-bin"));
        assertNull(NvidiaSmi.locate(bin.toString(), List.of(other)));
        Path there = Files.createFile(other.resolve("nvidia-smi"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        assertEquals(there, NvidiaSmi.locate(bin.toString(), List.of(other)));
        Path first = Files.createFile(bin.resolve("nvidia-smi"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        assertEquals(first, NvidiaSmi.locate(bin + ":/nonexistent", List.of(other)));
    }

    @Test
    void aScriptThatPrintsCapturedOutputIsReadThroughARealProcess(@TempDir Path tmp) throws IOException {
        Path fake = tmp.resolve("nvidia-smi");
        Files.writeString(fake, "#!/bin/sh\ncat <<'OUT'\n" + H100_PAIR + "OUT\n");
        fake.toFile().setExecutable(true);
        Found f = new NvidiaSmi(new zed.reconciler.store.ProcessCommand(), fake, Duration.ofSeconds(30)).find();
        assertEquals(List.of("GPU-6e3fa3b4-7a1f-2c4b-9d0e-1f2a3b4c5d6e", "GPU-0b9c8d7e-6f5a-4b3c-2d1e-0f9a8b7c6d5e"),
                f.gpus().stream().map(Gpu::uuid).toList());
    }
}
