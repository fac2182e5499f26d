package zed.config;

import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.provider.Arguments;
import zed.config.eval.ChainEvaluator;
import zed.config.eval.EvalInputs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Helpers shared by the ValidationTest* classes: write Zedfiles into a temporary tree, evaluate the chain with a
 * deterministic host, and compare diagnostics by file, line, column and message.
 *
 * <p>Snippets in the tables are written one source line per string, with {@code '} standing for {@code "} so that
 * the HCL stays readable inside Java string literals.
 */
final class ValidationTestSupport {
    private ValidationTestSupport() {
    }

    /** A temporary tree: {@code root/home} is $ZED_HOME (empty), Zedfiles go anywhere else under root. */
    static final class Tree {
        final Path root;
        final Path home;
        final TestHost host;
        String defaultPool;

        Tree(Path root) {
            this.root = root.toAbsolutePath().normalize();
            this.home = this.root.resolve("home");
            try {
                Files.createDirectories(home);
                Files.createDirectories(this.root.resolve("tmp"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            this.host = new TestHost(this.root.resolve("tmp"), 40000);
            this.host.env.put("HOME", "/root");
        }

        Tree write(String relPath, String source) {
            return write(relPath, source.getBytes(StandardCharsets.UTF_8));
        }

        Tree write(String relPath, byte[] bytes) {
            try {
                Path p = root.resolve(relPath);
                Files.createDirectories(p.getParent());
                Files.write(p, bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        /** Evaluates the chain that ends in {@code leafDir}, as if `zed validate` ran in {@code cwd}. */
        ChainEvaluator.Result evaluate(String leafDir, String cwd) {
            List<Chain.Link> chain = Chain.discover(root.resolve(leafDir), home, root.resolve(cwd));
            for (Chain.Link l : chain) {
                assertTrue(l.file().startsWith(root), "a Zedfile outside the test tree was picked up: " + l.file());
            }
            EvalInputs inputs = new EvalInputs(host, home, defaultPool, home.resolve("store"), Map.of());
            return ChainEvaluator.evaluate(chain, inputs);
        }

        Path dir(String rel) {
            return root.resolve(rel);
        }
    }

    /** How a duration that is not one is refused; the value follows. */
    static final String DUR = " must be a duration such as \"500ms\", \"5s\", \"2m\" or \"1h\", not ";

    /** Joins snippet lines, {@code '} standing for {@code "}. */
    static String src(String... lines) {
        return String.join("\n", lines).replace('\'', '"') + "\n";
    }

    /** One table row: a whole file. */
    static Arguments c(int line, int col, String message, String... lines) {
        String source = src(lines);
        return Arguments.of(Named.of(line + ":" + col + " " + message, source), line, col, message);
    }

    /** The first two lines of {@link #svc}: a valid exec service that the snippet's lines go into, from line 3. */
    static final String[] SVC_HEAD = {"service 'exec' 'a' {", "  runtime { cmd = ['a'] }"};

    /** One table row: lines 3.. of a valid exec service "a" (lines 1-2 are {@link #SVC_HEAD}; the closing } is added). */
    static Arguments svc(int line, int col, String message, String... body) {
        String[] all = new String[body.length + 3];
        all[0] = SVC_HEAD[0];
        all[1] = SVC_HEAD[1];
        System.arraycopy(body, 0, all, 2, body.length);
        all[all.length - 1] = "}";
        return c(line, col, message, all);
    }

    static String render(List<Diagnostic> errors) {
        return errors.isEmpty() ? "  (no errors)" : errors.stream().map(d -> "  " + d.render()).collect(Collectors.joining("\n"));
    }

    /** Evaluates a single-file level in {@code tmp/shop/Zedfile} with cwd {@code tmp/shop}, so errors read "Zedfile:L:C". */
    static ChainEvaluator.Result evaluateOne(Path tmp, String source) {
        Tree t = new Tree(tmp);
        t.write("shop/Zedfile", source);
        return t.evaluate("shop", "shop");
    }

    /**
     * The table assertion: evaluating {@code source} reports exactly one error, at Zedfile:line:col, whose message
     * contains {@code message}. Exactly one, so that follow-up noise from an already reported error fails too.
     */
    static void assertOnlyError(Path tmp, String source, int line, int col, String message) {
        List<Diagnostic> errors = errorsOf(tmp, source);
        assertError(errors, "Zedfile", line, col, message, source);
        assertEquals(1, errors.size(), () -> "expected only Zedfile:" + line + ":" + col + ": ..." + message
                + "\nbut got:\n" + render(errors) + "\nfor:\n" + source);
    }

    /**
     * As {@link #assertOnlyError}, for a file with something refused as not supported yet (a model, a job) or not for its
     * level (a rollout's settings on a single-host level):
     * the error stands beside those refusals, and nothing else is reported.
     */
    static void assertOnlyErrorBesideRefusals(Path tmp, String source, int line, int col, String message) {
        List<Diagnostic> errors = errorsOf(tmp, source);
        assertError(errors, "Zedfile", line, col, message, source);
        long refusals = errors.stream().filter(d -> d.message().contains("not supported yet") || d.message().contains("a rollout runs across a level's hosts")).count();
        assertTrue(refusals == errors.size() - 1, () -> "expected Zedfile:" + line + ":" + col + ": ..." + message
                + " and refusals as not supported yet, nothing else\nbut got:\n" + render(errors) + "\nfor:\n" + source);
    }

    private static List<Diagnostic> errorsOf(Path tmp, String source) {
        ChainEvaluator.Result r;
        try {
            r = evaluateOne(tmp, source);
        } catch (ZedfileException e) {
            return fail("evaluation threw instead of returning errors:\n" + render(e.diagnostics()), e);
        } catch (RuntimeException | StackOverflowError e) {
            return fail("evaluation threw an unpositioned " + e + "\nfor:\n" + source, e);
        }
        return r.errors();
    }

    static void assertError(List<Diagnostic> errors, String file, int line, int col, String message, String source) {
        boolean found = errors.stream().anyMatch(d -> d.pos().file().equals(file) && d.pos().line() == line && d.pos().col() == col
                && d.message().contains(message));
        if (!found) {
            fail("expected " + file + ":" + line + ":" + col + ": ..." + message + "...\nbut got:\n" + render(errors)
                    + (source == null ? "" : "\nfor:\n" + source));
        }
    }

    static String sha16(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8))).substring(0, 16);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }
}
