package zed.config.fuzz;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The valid Zedfiles that mutants start from (test resources under {@code /corpus}): the quickstart, a file that
 * uses every part of the language, and the two-level example chain (a registry, and an app that reads its port).
 */
public final class Corpus {
    public static final List<ZedChain> SEEDS = List.of(
            ZedChain.of(load("quickstart.zed")),
            ZedChain.of(load("full.zed")),
            ZedChain.of(load("quickstart-registry.zed"), load("quickstart-app.zed")));

    private Corpus() {
    }

    public static Arbitrary<ZedChain> seeds() {
        return Arbitraries.of(SEEDS);
    }

    public static String load(String name) {
        try (InputStream in = Corpus.class.getResourceAsStream("/corpus/" + name)) {
            if (in == null) throw new IllegalStateException("no corpus file " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
