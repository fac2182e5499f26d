package zed.chaos.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import zed.config.Chain;
import zed.config.Structures;
import zed.config.eval.ChainEvaluator;
import zed.config.eval.EvalInputs;
import zed.config.eval.LocalHost;
import zed.config.syntax.Body;
import zed.config.syntax.Parser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Parsing and evaluating a generated 5,000-line Zedfile, beside the floor: Jackson reading the same content as
 * JSON into a tree. Run with {@code scripts/bench.sh}; results go into docs/benchmarks.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ZedfileBenchmark {
    @Param({"5000"})
    public int lines;

    private String source;
    private String json;
    private Path dir;
    private List<Chain.Link> chain;
    private EvalInputs inputs;
    private final ObjectMapper mapper = new ObjectMapper();

    @Setup
    public void setUp() throws IOException {
        source = GeneratedZedfile.zedfile(lines);
        json = GeneratedZedfile.json(lines);
        dir = Files.createTempDirectory("zed-bench");
        Files.writeString(dir.resolve("Zedfile"), source);
        Path home = Files.createDirectories(dir.resolve("home"));
        chain = List.of(new Chain.Link(dir.resolve("Zedfile"), "Zedfile", false));
        inputs = new EvalInputs(new LocalHost(Map.of()), home, null, home.resolve("store"), Map.of());
        ChainEvaluator.Result r = ChainEvaluator.evaluate(chain, inputs);
        if (!r.ok()) throw new IllegalStateException("the generated Zedfile is invalid: " + r.errors());
    }

    @TearDown
    public void tearDown() throws IOException {
        try (var s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Baseline: Jackson reads the same blocks and attributes, as JSON, into a tree. */
    @Benchmark
    public JsonNode jacksonReadsTheSameContentAsJson() throws IOException {
        return mapper.readTree(json);
    }

    @Benchmark
    public Body zedParses() {
        return Parser.parseFile("Zedfile", source);
    }

    @Benchmark
    public Object zedParsesAndChecksStructure() {
        return Structures.check(Parser.parseFile("Zedfile", source));
    }

    /** Read from disk, parse, check, evaluate every node, type the spec, hash: what {@code zed validate} does. */
    @Benchmark
    public ChainEvaluator.Result zedParsesAndEvaluates() {
        return ChainEvaluator.evaluate(chain, inputs);
    }
}
