package zed.config.fuzz;

import zed.config.Diagnostic;
import zed.config.LevelSpec;
import zed.config.NotSupportedYet;
import zed.config.SpecJson;
import zed.config.Structures;
import zed.config.ZedfileException;
import zed.config.eval.ChainEvaluator;
import zed.config.eval.EvalInputs;
import zed.config.syntax.Body;
import zed.config.syntax.Parser;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the language promises for any input, however broken: parsing throws nothing but a positioned
 * {@link ZedfileException}, evaluation throws nothing at all, every error names a file of the chain, a line inside
 * it, a column and a message, a file that does not parse never evaluates, and a chain that evaluates gives one
 * {@link LevelSpec} per level that reads back from its JSON to an equal value. Pure: the evaluator reads the bytes
 * given, through {@link FuzzHost}. Hangs are the caller's to bound ({@link Deadline}).
 */
public final class ZedfileOracle {
    private static final Path HOME = Path.of("/zed-fuzz-home");

    /** @param valid whether the chain evaluated to specs; @param faults broken promises, empty when none */
    public record Verdict(boolean valid, int errors, List<String> faults) {
        public boolean passed() {
            return faults.isEmpty();
        }
    }

    private ZedfileOracle() {
    }

    /** {@link #check(ZedChain)} within the deadline; a chain that takes longer is a fault, a hang. */
    public static Verdict check(ZedChain chain, Deadline deadline) {
        return deadline.run(() -> check(chain)).orElseGet(() -> new Verdict(false, 0, List.of("no verdict within " + deadline.limit().toSeconds() + " s: a hang")));
    }

    public static Verdict check(ZedChain chain) {
        List<String> faults = new ArrayList<>();
        boolean malformed = false;
        List<int[]> lines = new ArrayList<>();
        for (int i = 0; i < chain.size(); i++) {
            String file = chain.display(i);
            String text = utf8(chain.file(i).bytes());
            lines.add(lineLengths(text == null ? chain.file(i).text() : text));
            if (text == null) {
                malformed = true; // the evaluator reports where the bad byte is
                continue;
            }
            malformed |= parse(file, text, faults);
        }
        Map<Path, byte[]> contents = new HashMap<>();
        for (int i = 0; i < chain.size(); i++) contents.put(chain.path(i), chain.file(i).bytes());
        ChainEvaluator.Result r;
        try {
            r = ChainEvaluator.evaluate(chain.links(), contents, new EvalInputs(new FuzzHost(), HOME, null, HOME.resolve("store"), Map.of()));
        } catch (Throwable t) {
            faults.add("evaluation threw " + trace(t));
            return new Verdict(false, 0, faults);
        }
        positioned(r.errors(), chain, lines, "evaluation", faults);
        if (r.ok()) {
            if (malformed) faults.add("the chain evaluated although a file of it does not parse");
            if (r.levels().size() != chain.size()) faults.add("evaluated to " + r.levels().size() + " levels for a chain of " + chain.size());
            for (LevelSpec spec : r.levels()) roundTrip(spec, faults);
        }
        return new Verdict(r.ok(), r.errors().size(), faults);
    }

    /** Parses and checks one file; whether it is malformed (a syntax or a structure error). */
    private static boolean parse(String file, String text, List<String> faults) {
        List<int[]> lines = List.of(lineLengths(text));
        try {
            Body b = Parser.parseFile(file, text);
            List<Diagnostic> structure = Structures.check(b);
            positioned(structure, file, lines, "the structure check", faults);
            positioned(NotSupportedYet.check(b), file, lines, "the not-supported check", faults);
            return !structure.isEmpty();
        } catch (ZedfileException e) {
            if (e.diagnostics().isEmpty()) faults.add("the parser threw a ZedfileException without errors");
            positioned(e.diagnostics(), file, lines, "the parser", faults);
            return true;
        } catch (Throwable t) {
            faults.add("the parser threw " + trace(t));
            return true;
        }
    }

    private static void positioned(List<Diagnostic> errors, ZedChain chain, List<int[]> lines, String who, List<String> faults) {
        for (Diagnostic d : errors) {
            int level = -1;
            for (int i = 0; i < chain.size(); i++) if (chain.display(i).equals(d.pos().file())) level = i;
            if (level < 0) {
                faults.add(who + " gave an error in no file of the chain: " + d.render());
                continue;
            }
            check(d, lines.get(level), who, faults);
        }
    }

    private static void positioned(List<Diagnostic> errors, String file, List<int[]> lines, String who, List<String> faults) {
        for (Diagnostic d : errors) {
            if (!d.pos().file().equals(file)) faults.add(who + " gave an error in another file: " + d.render());
            else check(d, lines.get(0), who, faults);
        }
    }

    /** Line inside the file, column inside the line (or just after its end), a message that says something. */
    private static void check(Diagnostic d, int[] lines, String who, List<String> faults) {
        int line = d.pos().line(), col = d.pos().col();
        boolean ok = line >= 1 && line <= lines.length && col >= 1 && col <= lines[line - 1] + 1 && d.message() != null && !d.message().isBlank();
        if (!ok) faults.add(who + " gave an unpositioned error (" + lines.length + " lines): " + d.render());
    }

    /** How many code points each line has, without its newline. */
    private static int[] lineLengths(String text) {
        String[] lines = text.split("\n", -1);
        int[] n = new int[lines.length];
        for (int i = 0; i < lines.length; i++) n[i] = lines[i].codePointCount(0, lines[i].length());
        return n;
    }

    private static void roundTrip(LevelSpec spec, List<String> faults) {
        try {
            String json = SpecJson.write(spec);
            LevelSpec back = SpecJson.read(json, LevelSpec.class);
            if (!spec.equals(back)) faults.add("level " + spec.id() + " does not read back from its JSON to an equal spec: " + json);
            else if (!json.equals(SpecJson.write(back))) faults.add("level " + spec.id() + " gives other JSON once read back: " + json);
        } catch (Throwable t) {
            faults.add("level " + spec.id() + " does not round-trip through SpecJson: " + trace(t));
        }
    }

    /** The text, or null when the bytes are not UTF-8. */
    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** A throwable and where it came from: enough to find the bug without a debugger. */
    static String trace(Throwable t) {
        StringBuilder sb = new StringBuilder(t.toString());
        StackTraceElement[] st = t.getStackTrace();
        for (int i = 0; i < Math.min(8, st.length); i++) sb.append("\n    at ").append(st[i]);
        if (t.getCause() != null && t.getCause() != t) sb.append("\n  caused by ").append(trace(t.getCause()));
        return sb.toString();
    }
}
