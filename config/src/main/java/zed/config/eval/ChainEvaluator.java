package zed.config.eval;

import zed.config.Chain;
import zed.config.Diagnostic;
import zed.config.LevelSpec;
import zed.config.NotSupportedYet;
import zed.config.Pos;
import zed.config.Value;
import zed.config.ZedfileException;
import zed.config.syntax.Body;
import zed.config.syntax.Expr;
import zed.config.syntax.Parser;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/** Parses, checks and evaluates a chain of Zedfiles, root first, each level in the context of those above it. */
public final class ChainEvaluator {
    private static final Pattern LEVEL_NAME = Pattern.compile("[A-Za-z0-9_-]+");
    /** Reference chains can be long; evaluation recurses along them, so it runs on a thread with a deep stack. */
    private static final long STACK = 256L << 20;

    private ChainEvaluator() {
    }

    /**
     * The outcome: the specs, or the errors. The port table is the merged one to persist either way.
     *
     * @param besideRefusals the specs when the only errors are refusals of what a node does not run yet
     *                       ({@link NotSupportedYet}): what the work that will run them builds on, never something
     *                       to run; empty otherwise
     */
    public record Result(List<LevelSpec> levels, Map<String, Integer> ports, List<Diagnostic> errors, Scope leafScope,
                         List<LevelSpec> besideRefusals) {
        public Result(List<LevelSpec> levels, Map<String, Integer> ports, List<Diagnostic> errors, Scope leafScope) {
            this(levels, ports, errors, leafScope, List.of());
        }

        public boolean ok() {
            return errors.isEmpty();
        }

        public LevelSpec leaf() {
            return levels.get(levels.size() - 1);
        }

        public List<LevelSpec> orThrow() {
            if (!ok()) throw new ZedfileException(errors);
            return levels;
        }

        /** Evaluates a reference expression, e.g. {@code service.exec.web.vars.port}, in the leaf level. */
        public Value get(String expression) {
            orThrow();
            Expr e = Parser.parseExpression("<expr>", expression);
            return onDeepStack(() -> {
                try {
                    return Interpreter.eval(e, leafScope);
                } catch (EvalError err) {
                    throw new ZedfileException(err.pos(), err.getMessage());
                } catch (LevelEvaluation.DependencyFailed d) {
                    throw new ZedfileException(e.pos(), "cannot evaluate: a value it depends on failed");
                }
            });
        }
    }

    /**
     * One instance of a level of the chain that runs on several hosts ({@code hosts = [...]}): its Zedfile as that
     * instance runs it (the revisions of instances may differ in a rollout), its host, and the ports it holds there.
     */
    public record Instance(String host, Path file, byte[] source, Map<String, Integer> ports) {
        public Instance {
            ports = Map.copyOf(ports);
        }
    }

    public static Result evaluate(List<Chain.Link> chain, EvalInputs inputs) {
        return evaluate(chain, Map.of(), inputs);
    }

    public static Result evaluate(List<Chain.Link> chain, Map<Path, byte[]> contents, EvalInputs inputs) {
        return evaluate(chain, contents, Map.of(), inputs);
    }

    /**
     * @param contents the source of some links, by file, instead of what is on disk: the node evaluates what was
     *                 pushed to it, which need not be on its disk
     * @param instances link index → the instances of that link's level when it runs on several hosts: each is
     *                  evaluated as its host runs it, and the levels below read its services per instance
     *                  ({@code service.<kind>.<name>.instances}); the link itself is evaluated as this host would run it
     *                  (what a child inherits, such as its pool)
     */
    public static Result evaluate(List<Chain.Link> chain, Map<Path, byte[]> contents, Map<Integer, List<Instance>> instances, EvalInputs inputs) {
        return onDeepStack(() -> run(chain, contents, instances, inputs));
    }

    private static Result run(List<Chain.Link> chain, Map<Path, byte[]> contents, Map<Integer, List<Instance>> instances, EvalInputs inputs) {
        List<Diagnostic> errors = new ArrayList<>();
        List<Diagnostic> refused = new ArrayList<>();
        List<Body> bodies = new ArrayList<>();
        List<byte[]> sources = new ArrayList<>();
        for (Chain.Link link : chain) {
            Pos top = new Pos(link.display(), 1, 1);
            byte[] bytes;
            try {
                bytes = contents.containsKey(link.file()) ? contents.get(link.file()) : Files.readAllBytes(link.file());
            } catch (IOException e) {
                errors.add(new Diagnostic(top, "cannot read: " + e.getMessage()));
                bodies.add(null);
                sources.add(new byte[0]);
                continue;
            }
            sources.add(bytes);
            String text = utf8(bytes, link.display(), errors);
            if (text == null) {
                bodies.add(null);
                continue;
            }
            try {
                Body b = Parser.parseFile(link.display(), text);
                errors.addAll(zed.config.Structures.check(b));
                refused.addAll(NotSupportedYet.check(b));
                bodies.add(b);
            } catch (ZedfileException e) {
                errors.addAll(e.diagnostics());
                bodies.add(null);
            }
        }
        Ports ports = new Ports(inputs.ports(), inputs.host());
        // what is not supported yet is well formed: the level can still be evaluated, and checked, around it
        boolean malformed = !errors.isEmpty();
        errors.addAll(refused);
        if (malformed) return new Result(List.of(), ports.merged(), sorted(errors), Scope.EMPTY);

        List<LevelSpec> specs = new ArrayList<>();
        LevelEvaluation parent = null;
        String parentId = null;
        for (int i = 0; i < chain.size(); i++) {
            Chain.Link link = chain.get(i);
            Body body = bodies.get(i);
            String name = levelName(link, body, errors);
            String id = parentId == null ? name : parentId + "/" + name;
            LevelEvaluation level = new LevelEvaluation(id, name, link.file(), link.display(), sources.get(i), parent, inputs, ports, errors);
            LevelSpec spec = evaluateLevel(level, body, parentId, link, null);
            if (level.hashUsed) {
                level = again(level, body, parentId, link, spec.hash(), null);
                spec = level.spec;
            }
            List<Instance> each = instances.getOrDefault(i, List.of());
            if (!each.isEmpty()) level.instances = evaluateInstances(each, id, name, parent, parentId, inputs, errors);
            specs.add(spec);
            parent = level;
            parentId = id;
        }
        Scope leafScope = new NodeScope(parent, null);
        boolean onlyRefused = !errors.isEmpty() && refused.containsAll(errors);
        return new Result(errors.isEmpty() ? List.copyOf(specs) : List.of(), ports.merged(), sorted(errors), leafScope,
                onlyRefused ? List.copyOf(specs) : List.of());
    }

    /**
     * cfg::hash() is the drift hash, which is known only once the level has been read: evaluated again with it. The
     * second evaluation's errors are those of the first, so they are not reported twice.
     */
    private static LevelEvaluation again(LevelEvaluation first, Body body, String parentId, Chain.Link link, String hash, String instanceHost) {
        LevelEvaluation again = new LevelEvaluation(first.id, first.name, first.file, first.display, first.source, first.parent, first.inputs, first.ports, new ArrayList<>());
        again.hash = hash;
        again.instanceHost = instanceHost;
        again.spec = evaluateLevel(again, body, parentId, link, hash);
        return again;
    }

    /** Each instance of a multi-host level of the chain, evaluated as its host runs it, with the ports it holds there. */
    private static List<LevelEvaluation> evaluateInstances(List<Instance> each, String id, String name, LevelEvaluation parent, String parentId,
                                                           EvalInputs inputs, List<Diagnostic> errors) {
        List<LevelEvaluation> out = new ArrayList<>();
        for (Instance in : each) {
            // named as the file itself: an error it shares with the chain's own evaluation of the level is reported once
            String display = in.file().toString();
            String text = utf8(in.source(), display, errors);
            if (text == null) continue;
            Body body;
            try {
                body = Parser.parseFile(display, text);
            } catch (ZedfileException e) {
                errors.addAll(e.diagnostics());
                continue;
            }
            Chain.Link link = new Chain.Link(in.file(), display, false);
            LevelEvaluation ie = new LevelEvaluation(id, name, in.file(), display, in.source(), parent, inputs, new Ports(in.ports(), inputs.host()), errors);
            ie.instanceHost = in.host();
            LevelSpec spec = evaluateLevel(ie, body, parentId, link, null);
            out.add(ie.hashUsed ? again(ie, body, parentId, link, spec.hash(), in.host()) : ie);
        }
        return out;
    }

    /** Decodes UTF-8; on a bad byte, records an error at its line and column and returns null. */
    private static String utf8(byte[] bytes, String file, List<Diagnostic> errors) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        CoderResult r = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(in, out, true);
        if (!r.isError()) return out.flip().toString();
        String before = out.flip().toString();
        int line = 1, lineStart = 0;
        for (int i = 0; i < before.length(); i++) {
            if (before.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        int col = before.codePointCount(lineStart, before.length()) + 1;
        errors.add(new Diagnostic(new Pos(file, line, col), "not valid UTF-8: byte 0x" + String.format("%02X", bytes[in.position()] & 0xff)));
        return null;
    }

    private static LevelSpec evaluateLevel(LevelEvaluation level, Body body, String parentId, Chain.Link link, String knownHash) {
        level.build(body);
        level.evaluateAll();
        LevelSpec spec = new SpecBuilder(level).build(parentId);
        String hash = knownHash != null ? knownHash : level.driftHash();
        String file = link.file().toString();
        return new LevelSpec(spec.id(), spec.name(), spec.parent(), file, spec.dir(), spec.host(), spec.pool(), spec.sysenv(), spec.snapshots(),
                spec.update(), spec.datasets(), spec.jails(), spec.services(), spec.models(), spec.jobs(), hash, spec.pos(), spec.failover());
    }

    private static String levelName(Chain.Link link, Body body, List<Diagnostic> errors) {
        List<Body.Block> lb = body.blocks("level");
        if (!lb.isEmpty() && !lb.get(0).labels().isEmpty()) {
            Body.Label l = lb.get(0).labels().get(0);
            if (LEVEL_NAME.matcher(l.value()).matches()) return l.value();
            errors.add(new Diagnostic(l.pos(), "level name \"" + l.value() + "\": use letters, digits, _ and -"));
            // evaluated on, for its other errors, under a name its paths can hold (fs::state() is <state>/<name>-...)
            return l.value().replaceAll("[^A-Za-z0-9_-]", "_");
        }
        if (link.home()) return "global";
        Path dir = link.file().toAbsolutePath().getParent();
        String name = dir.getFileName() == null ? "root" : dir.getFileName().toString();
        if (!LEVEL_NAME.matcher(name).matches()) {
            errors.add(new Diagnostic(new Pos(link.display(), 1, 1), "the directory name \"" + name
                    + "\" is not a valid level name; name the level: level \"my-level\" { }"));
        }
        return name;
    }

    private static List<Diagnostic> sorted(List<Diagnostic> errors) {
        return errors.stream().sorted().distinct().toList();
    }

    static <T> T onDeepStack(java.util.function.Supplier<T> work) {
        AtomicReference<T> out = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(null, () -> {
            try {
                out.set(work.get());
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "zed-eval", STACK);
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while evaluating", e);
        }
        Throwable f = failure.get();
        if (f instanceof RuntimeException r) throw r;
        if (f instanceof Error err) throw err;
        return out.get();
    }
}
