package zed.chaos.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import zed.reconciler.store.Command;
import zed.reconciler.store.ProcessCommand;
import zed.reconciler.store.ZfsStore;
import zed.reconciler.stream.SendStream;
import zed.reconciler.stream.StreamRules;

import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * What checking a received stream ({@link SendStream}) costs, each beside its floor in the same run: reading a real
 * 64 MiB {@code zfs send -p} stream through the check against copying it unread (both in memory, the check's own
 * CPU), and a whole receive into the second pool through the JVM, read through the check and copied unread, beside
 * {@code zfs send -p | zfs receive -F} in a shell pipe.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 10)
@Fork(1)
public class ReceiveBenchmark {
    static final int MIB = 64;

    private final Command command = new ProcessCommand();
    private ZfsStore store;
    private String source;
    private String target;
    private byte[] stream;

    private Command.Result run(String... argv) {
        Command.Result r = command.run(List.of(argv), Duration.ofMinutes(10), "bench");
        if (!r.ok()) throw new IllegalStateException(String.join(" ", argv) + ": " + r.stderr());
        return r;
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        String pool = System.getenv("ZED_TEST_POOL");
        String pool2 = System.getenv("ZED_TEST_POOL2");
        if (pool == null || pool2 == null) throw new IllegalStateException("run scripts/test-pool.sh up and export ZED_TEST_POOL, ZED_TEST_POOL2");
        store = ZfsStore.probe(command, pool);
        source = pool + "/bench-receive";
        target = pool2 + "/bench-receive";
        if (store.exists(source)) run("zfs", "destroy", "-r", source);
        store.create(source, Map.of("com.zed:level", "bench", "compression", "off"));
        byte[] chunk = new byte[1 << 20];
        Random random = new Random(5);
        try (OutputStream out = Files.newOutputStream(store.mountpoint(source).resolve("data.bin"))) {
            for (int i = 0; i < MIB; i++) {
                random.nextBytes(chunk);
                out.write(chunk);
            }
        }
        run("zfs", "snapshot", source + "@s1");
        Process p = new ProcessBuilder("zfs", "send", "-p", source + "@s1").redirectError(ProcessBuilder.Redirect.INHERIT).start();
        stream = p.getInputStream().readAllBytes();
        if (p.waitFor() != 0) throw new IllegalStateException("zfs send failed");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        command.run(List.of("zfs", "destroy", "-r", source), Duration.ofMinutes(5), "bench");
        command.run(List.of("zfs", "destroy", "-r", target), Duration.ofMinutes(5), "bench");
    }

    @TearDown(Level.Invocation)
    public void removeTarget() {
        command.run(List.of("zfs", "destroy", "-r", target), Duration.ofMinutes(5), "bench");
    }

    /** Floor: the stream copied unread, 64 KiB at a time (as the pipe copies it). */
    @Benchmark
    public long inMemoryCopy() throws Exception {
        ByteArrayInputStream in = new ByteArrayInputStream(stream);
        OutputStream out = OutputStream.nullOutputStream();
        byte[] buf = new byte[64 << 10];
        long n = 0;
        for (int got; (got = in.read(buf)) > 0; n += got) out.write(buf, 0, got);
        return n;
    }

    @Benchmark
    public int inMemoryChecked() throws Exception {
        SendStream.open(new ByteArrayInputStream(stream), StreamRules.OF_A_ROOT_NODE).forward(OutputStream.nullOutputStream());
        return stream.length;
    }

    /** Floor: zfs's own pipe, nothing between the two. */
    @Benchmark
    public int receiveShellPipe() {
        return run("sh", "-c", "zfs send -p " + source + "@s1 | zfs receive -F " + target).exit();
    }

    /** The pipe as Zed's receive runs it (zfs send into the JVM, out to zfs receive), the stream copied unread. */
    @Benchmark
    public int receiveJavaPipeUnread() throws Exception {
        return pipe(false);
    }

    /** The same pipe, the stream read through the check on its way: what the check adds to a real receive. */
    @Benchmark
    public int receiveJavaPipeChecked() throws Exception {
        return pipe(true);
    }

    private int pipe(boolean checked) throws Exception {
        Process send = new ProcessBuilder("zfs", "send", "-p", source + "@s1").redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Process receive = new ProcessBuilder("zfs", "receive", "-F", target).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (var in = send.getInputStream(); var out = receive.getOutputStream()) {
            if (checked) SendStream.open(in, StreamRules.OF_A_ROOT_NODE).forward(out);
            else in.transferTo(out);
        }
        if (send.waitFor() != 0 || receive.waitFor() != 0) throw new IllegalStateException("the pipe failed");
        return 0;
    }
}
