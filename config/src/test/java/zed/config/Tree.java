package zed.config;

import zed.config.eval.ChainEvaluator;
import zed.config.eval.EvalInputs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A temporary tree of directories with Zedfiles, and evaluation of the chain that ends in one of them. */
public final class Tree {
    public final Path root;
    public final Path home;
    public final TestHost host;
    public Map<String, Integer> ports = new HashMap<>();

    public Tree(Path tmp) {
        this.root = tmp.resolve("tree");
        this.home = tmp.resolve("zedhome");
        this.host = new TestHost(tmp.resolve("tmp"));
        try {
            Files.createDirectories(root);
            Files.createDirectories(home);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Tree write(String rel, String content) {
        try {
            Path p = root.resolve(rel);
            Files.createDirectories(p.getParent());
            Files.writeString(p, content, StandardCharsets.UTF_8);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path path(String rel) {
        return root.resolve(rel);
    }

    /** Evaluates the chain ending at {@code rel} (a directory or file), keeping port allocations between calls. */
    public ChainEvaluator.Result eval(String rel) {
        List<Chain.Link> chain = Chain.discover(root.resolve(rel), home, root);
        ChainEvaluator.Result r = ChainEvaluator.evaluate(chain, new EvalInputs(host, home, null, home.resolve("store"), ports));
        ports = new HashMap<>(r.ports());
        return r;
    }

    /** Evaluates and fails with the errors when there are any. */
    public List<LevelSpec> ok(String rel) {
        ChainEvaluator.Result r = eval(rel);
        if (!r.ok()) throw new AssertionError("expected no errors, got:\n" + String.join("\n", r.errors().stream().map(Diagnostic::render).toList()));
        return r.levels();
    }

    public LevelSpec leaf(String rel) {
        List<LevelSpec> l = ok(rel);
        return l.get(l.size() - 1);
    }

    /** The rendered errors of a chain that must be invalid. */
    public List<String> errors(String rel) {
        ChainEvaluator.Result r = eval(rel);
        if (r.ok()) throw new AssertionError("expected errors, got none");
        return r.errors().stream().map(Diagnostic::render).toList();
    }
}
