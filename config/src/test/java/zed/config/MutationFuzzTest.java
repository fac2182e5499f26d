package zed.config;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import zed.config.eval.ChainEvaluator;
import zed.config.eval.EvalInputs;
import zed.config.syntax.Body;
import zed.config.syntax.Parser;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Random mutations of valid Zedfiles only ever give positioned errors: never another exception, a hang, or a
 * message without a file, line and column inside the file.
 */
class MutationFuzzTest {
    private static final List<String> CORPUS = List.of(load("quickstart.zed"), load("full.zed"));
    /** Characters that matter to the grammar, and a few that do not. */
    private static final String INTERESTING = "{}[]()\"$<>-=#/*\n~%:,.\\!?&|+ \tée0123456789abcxyz_${<<-EOT";

    private static String load(String name) {
        try (InputStream in = MutationFuzzTest.class.getResourceAsStream("/corpus/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String mutate(String src, long seed, int edits) {
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder(src);
        for (int i = 0; i < edits; i++) {
            if (sb.length() == 0) {
                sb.append(INTERESTING.charAt(r.nextInt(INTERESTING.length())));
                continue;
            }
            int at = r.nextInt(sb.length());
            switch (r.nextInt(6)) {
                case 0 -> sb.deleteCharAt(at);
                case 1 -> sb.insert(at, INTERESTING.charAt(r.nextInt(INTERESTING.length())));
                case 2 -> {
                    int len = r.nextInt(Math.min(40, sb.length() - at) + 1);
                    sb.insert(r.nextInt(sb.length() + 1), sb.substring(at, at + len));
                }
                case 3 -> sb.delete(at, Math.min(sb.length(), at + r.nextInt(30)));
                case 4 -> sb.setLength(at);
                default -> {
                    if (sb.length() > 1) {
                        int b = r.nextInt(sb.length());
                        char c = sb.charAt(at);
                        sb.setCharAt(at, sb.charAt(b));
                        sb.setCharAt(b, c);
                    }
                }
            }
        }
        return sb.toString();
    }

    private static void assertPositioned(List<Diagnostic> errors, String file, String src) {
        int lines = (int) src.chars().filter(c -> c == '\n').count() + 1;
        for (Diagnostic d : errors) {
            Pos p = d.pos();
            boolean ok = p.file().equals(file) && p.line() >= 1 && p.line() <= lines && p.col() >= 1 && !d.message().isBlank();
            if (!ok) fail("unpositioned error " + d.render() + "\n--- source ---\n" + src);
        }
    }

    @Property(tries = 3000)
    void parsingMutantsGivesOnlyPositionedErrors(@ForAll long seed, @ForAll @IntRange(min = 1, max = 6) int edits, @ForAll @IntRange(min = 0, max = 1) int which) {
        String src = mutate(CORPUS.get(which), seed, edits);
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            try {
                Body b = Parser.parseFile("Zedfile", src);
                assertPositioned(Structures.check(b), "Zedfile", src);
            } catch (ZedfileException e) {
                assertTrue(!e.diagnostics().isEmpty());
                assertPositioned(e.diagnostics(), "Zedfile", src);
            } catch (RuntimeException | StackOverflowError e) {
                throw new AssertionError("parser threw " + e + "\n--- source ---\n" + src, e);
            }
        });
    }

    @Property(tries = 400)
    void evaluatingMutantsGivesOnlyPositionedErrors(@ForAll long seed, @ForAll @IntRange(min = 1, max = 4) int edits, @ForAll @IntRange(min = 0, max = 1) int which) throws IOException {
        String src = mutate(CORPUS.get(which), seed, edits);
        Path dir = Files.createTempDirectory("zed-fuzz");
        try {
            Path file = dir.resolve("Zedfile");
            Files.writeString(file, src);
            Path home = dir.resolve("home");
            TestHost host = new TestHost(dir.resolve("tmp"));
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                try {
                    List<Chain.Link> chain = List.of(new Chain.Link(file, "Zedfile", false));
                    ChainEvaluator.Result r = ChainEvaluator.evaluate(chain, new EvalInputs(host, home, null, home.resolve("store"), Map.of()));
                    assertPositioned(r.errors(), "Zedfile", src);
                } catch (RuntimeException | StackOverflowError e) {
                    throw new AssertionError("evaluation threw " + e + "\n--- source ---\n" + src, e);
                }
            });
        } finally {
            try (var s = Files.walk(dir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
