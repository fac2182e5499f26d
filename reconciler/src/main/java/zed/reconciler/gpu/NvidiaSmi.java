package zed.reconciler.gpu;

import zed.reconciler.store.Command;
import zed.reconciler.store.ProcessCommand;
import zed.reconciler.store.StoreError;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * NVIDIA GPUs as {@code nvidia-smi} lists them: the source that NVIDIA GPUs are known by (their UUIDs are what
 * CUDA_VISIBLE_DEVICES takes). No nvidia-smi means no NVIDIA GPUs, not an error.
 */
public final class NvidiaSmi implements GpuSource {
    public static final String NAME = "nvidia-smi";
    public static final List<String> QUERY = List.of("--query-gpu=index,uuid,name,memory.total,driver_version",
            "--format=csv,noheader,nounits");
    static final Duration TIMEOUT = Duration.ofSeconds(15);
    /** Where drivers put it besides PATH: a node's PATH may be short, and containers mount it under /usr/local/nvidia. */
    static final List<Path> ELSEWHERE = List.of(Path.of("/usr/bin"), Path.of("/usr/local/bin"), Path.of("/usr/local/nvidia/bin"),
            Path.of("/opt/bin"));

    private final Command command;
    private final Path binary;
    private final boolean search;
    private final Duration timeout;

    /** @param binary the nvidia-smi to run; null when there is none */
    public NvidiaSmi(Command command, Path binary, Duration timeout) {
        this(command, binary, false, timeout);
    }

    private NvidiaSmi(Command command, Path binary, boolean search, Duration timeout) {
        this.command = command;
        this.binary = binary;
        this.search = search;
        this.timeout = timeout;
    }

    /** The nvidia-smi on PATH or in the usual places, looked for on every find (a driver may be installed later). */
    public static NvidiaSmi onThisHost() {
        return new NvidiaSmi(new ProcessCommand(), null, true, TIMEOUT);
    }

    /** The first executable nvidia-smi in PATH, then in {@code elsewhere}; null when there is none. */
    static Path locate(String path, List<Path> elsewhere) {
        List<Path> dirs = new ArrayList<>();
        if (path != null) for (String d : path.split(File.pathSeparator)) if (!d.isEmpty()) dirs.add(Path.of(d));
        dirs.addAll(elsewhere);
        for (Path d : dirs) {
            Path p = d.resolve(NAME);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) return p;
        }
        return null;
    }

    @Override
    public Found find() {
        Path b = search ? locate(System.getenv("PATH"), ELSEWHERE) : binary;
        if (b == null) return Found.nothing(NAME, "not installed (no NVIDIA driver)");
        List<String> argv = new ArrayList<>();
        argv.add(b.toString());
        argv.addAll(QUERY);
        Command.Result r;
        try {
            r = command.run(argv, timeout, NAME);
        } catch (StoreError e) {
            return Found.nothing(NAME, e.kind() == StoreError.Kind.TIMEOUT ? "did not answer within " + timeout.toSeconds() + "s" : e.detail());
        }
        if (!r.ok()) {
            // e.g. exit 9 "couldn't communicate with the NVIDIA driver": the GPUs are not usable, so none are reported
            return Found.nothing(NAME, "exited " + r.exit() + ": " + firstLine(r.stdout().isBlank() ? r.stderr() : r.stdout()));
        }
        Parsed p = parse(r.stdout());
        List<String> notes = new ArrayList<>();
        for (String line : p.unreadable()) notes.add("line not understood: " + line);
        if (p.gpus().isEmpty() && notes.isEmpty()) notes.add("lists no GPUs");
        return new Found(NAME, p.gpus(), notes);
    }

    private static String firstLine(String s) {
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl).strip();
    }

    /** The GPUs of the query's output, and the lines that are not a GPU (messages such as "No devices were found"). */
    public record Parsed(List<Gpu> gpus, List<String> unreadable) {
    }

    /**
     * Parses the output of {@link #QUERY}: one line per GPU, {@code index, uuid, name, memory.total (MiB), driver}.
     * A name may itself hold a comma, so it is what lies between the second field and the last two.
     */
    public static Parsed parse(String stdout) {
        List<Gpu> gpus = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        for (String raw : stdout.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty()) continue;
            String[] f = line.split(",");
            if (f.length < 5 || !f[0].strip().matches("\\d{1,4}")) {
                unreadable.add(line);
                continue;
            }
            int n = f.length;
            String name = String.join(",", java.util.Arrays.copyOfRange(f, 2, n - 2)).strip();
            String mem = f[n - 2].strip();
            long vram = mem.matches("\\d{1,12}") ? Long.parseLong(mem) : 0; // "[N/A]", "[Not Supported]"
            String driver = f[n - 1].strip();
            if (driver.startsWith("[")) driver = "";
            gpus.add(new Gpu(Integer.parseInt(f[0].strip()), "nvidia", name, vram, driver, f[1].strip(), Gpu.Source.NVIDIA_SMI));
        }
        return new Parsed(gpus, unreadable);
    }
}
