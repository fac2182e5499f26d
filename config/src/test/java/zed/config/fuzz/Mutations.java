package zed.config.fuzz;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Mutated Zedfiles: a valid chain with a few edits to one of its files. The edits are data, so that jqwik shrinks
 * a failing mutant to the fewest and smallest edits; applying them is pure and deterministic. Besides the character
 * edits of the first mutation fuzz, they splice in the grammar's own tokens, nest brackets thousands deep, repeat
 * lines, break UTF-8 and change line endings.
 */
public final class Mutations {
    /** No mutant grows past this: the fuzzer looks for crashes, not for how long a huge file takes. */
    static final int MAX_BYTES = 256 * 1024;
    /** Characters that matter to the grammar, and a few that do not. */
    private static final String INTERESTING = "{}[]()\"$<>-=#/*\n~%:,.\\!?&|+ \tée0123456789abcxyz_";
    private static final List<String> TOKENS = List.of("${", "}", "$${", "%{", "%%{", "${~", "~}", "<<EOT\n", "<<-EOT\n", "\nEOT\n", "\n  EOT",
            "::", "...", "[*]", ".*", "for", "for x in y :", "\"", "\\", "\\u00e9", "\\uD800", "\\U0010FFFF", "\\U00110000", "\\x41", "\\u12",
            "/*", "*/", "//", "#", "\r\n", "\r", "\uFEFF", "\u0000", "\\u0000", "null", "true", "false", "99999999999999999999999999", "1e1001", "1e-1001",
            "0.1", "-", "!", "?", ":", "==", "!=", "&&", "||", "<=", ">=", "%", "/", "self.", "self", "service.exec.", "service", ".0", "[0]",
            "[\"k\"]", "net::pickport()", "os::env(\"MODE\")", "os::env()", "file(\"missing.txt\")", "file(\"../x\")", "enc::json(", "secret(\"a\")",
            "secret(\"a b\")", "cfg::hash()", "fs::etc()", "fs::var()", "a::b::c()", " = ", "{", "[", "(", ")", "]", ",", "\n", "level \"x\" {}\n",
            "service \"exec\" \"x\" {}\n", "dataset \"a/../b\" {}\n", "model \"m\" { dataset = \"d\" }\n", "health \"http\" {}", "runtime {}",
            "\"${self.vars.port}\"", "self.vars", "self.file", "self.health.http", "self.dir", "self.name", "${self}", "${service}", "😀", "中");
    /** What NEST repeats, and what closes it. */
    private static final String[][] NESTS = {{"(", ")"}, {"[", "]"}, {"{", "}"}, {"-", ""}, {"!", ""}, {"\"${", "}\""}, {"a {\n", "}\n"},
            {"x = ", ""}, {"[{a = ", "}]"}, {"f(", ")"}, {"true ? ", " : 1"}, {"1 + ", "1"}, {"x.", "y"}, {"x[", "0]"}, {"<<EOT\n${", "}\nEOT\n"}};
    private static final byte[][] BAD_BYTES = {{(byte) 0xFF}, {(byte) 0xC3}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
            {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xE2, (byte) 0x82}, {0}, {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}};

    public enum Op { DELETE_CHAR, INSERT_CHAR, COPY_SPAN, DELETE_SPAN, TRUNCATE, SWAP_CHARS, INSERT_TOKEN, NEST, DUPLICATE_LINE, DELETE_LINE, SWAP_LINES, BAD_BYTES, LINE_ENDINGS, REPEAT_SPAN }

    /** One edit: where (taken modulo the size), how long or how many, and which token, char or variant. */
    public record Edit(Op op, int at, int len, int pick) {
    }

    private Mutations() {
    }

    public static Arbitrary<Edit> edits() {
        return Combinators.combine(Arbitraries.of(Op.class), Arbitraries.integers().between(0, 1 << 20),
                Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(8, Arbitraries.integers().between(0, 40)), net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, 5000))),
                Arbitraries.integers().between(0, 1000)).as(Edit::new);
    }

    /** Mutants of the given chains: 1 to {@code maxEdits} edits to one of each chain's files. */
    public static Arbitrary<ZedChain> of(Arbitrary<ZedChain> bases, int maxEdits) {
        return Combinators.combine(bases, edits().list().ofMinSize(1).ofMaxSize(maxEdits), Arbitraries.integers().between(0, 2))
                .as((chain, es, which) -> apply(chain, which % chain.size(), es));
    }

    public static ZedChain apply(ZedChain chain, int which, List<Edit> edits) {
        return chain.with(which, new Zedfile(apply(chain.file(which).bytes(), edits)));
    }

    public static byte[] apply(byte[] src, List<Edit> edits) {
        byte[] b = src;
        for (Edit e : edits) {
            b = apply(b, e);
            if (b.length > MAX_BYTES) b = Arrays.copyOf(b, MAX_BYTES);
        }
        return b;
    }

    private static byte[] apply(byte[] b, Edit e) {
        int n = b.length;
        int at = n == 0 ? 0 : e.at() % n;
        int len = e.len();
        return switch (e.op()) {
            case DELETE_CHAR -> n == 0 ? b : splice(b, at, at + 1, new byte[0]);
            case INSERT_CHAR -> splice(b, at, at, utf8(String.valueOf(INTERESTING.charAt(e.pick() % INTERESTING.length()))));
            case COPY_SPAN -> splice(b, n == 0 ? 0 : e.pick() * 7919 % (n + 1), n == 0 ? 0 : e.pick() * 7919 % (n + 1), Arrays.copyOfRange(b, at, Math.min(n, at + len)));
            case DELETE_SPAN -> splice(b, at, Math.min(n, at + len), new byte[0]);
            case TRUNCATE -> Arrays.copyOf(b, at);
            case SWAP_CHARS -> {
                if (n < 2) yield b;
                byte[] c = b.clone();
                int other = (at + 1 + e.pick()) % n;
                c[at] = b[other];
                c[other] = b[at];
                yield c;
            }
            case INSERT_TOKEN -> splice(b, at, at, utf8(TOKENS.get(e.pick() % TOKENS.size())));
            case NEST -> {
                String[] nest = NESTS[e.pick() % NESTS.length];
                int times = Math.max(1, len);
                String open = nest[0].repeat(times);
                String close = e.pick() % 2 == 0 ? nest[1].repeat(times) : "";
                yield splice(b, at, at, utf8(open + "1" + close));
            }
            case DUPLICATE_LINE, DELETE_LINE, SWAP_LINES -> lines(b, e);
            case BAD_BYTES -> splice(b, at, at, BAD_BYTES[e.pick() % BAD_BYTES.length]);
            case LINE_ENDINGS -> new String(b, StandardCharsets.ISO_8859_1).replace("\n", e.pick() % 2 == 0 ? "\r\n" : "\r").getBytes(StandardCharsets.ISO_8859_1);
            case REPEAT_SPAN -> {
                byte[] span = Arrays.copyOfRange(b, at, Math.min(n, at + 1 + e.pick() % 80));
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                for (int i = 0; i < Math.max(1, len) && out.size() < MAX_BYTES; i++) out.writeBytes(span);
                yield splice(b, at, at, out.toByteArray());
            }
        };
    }

    /** Line edits: the line holding {@code at} is duplicated, deleted, or swapped with another. */
    private static byte[] lines(byte[] b, Edit e) {
        List<byte[]> ls = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= b.length; i++) {
            if (i == b.length || b[i] == '\n') {
                ls.add(Arrays.copyOfRange(b, start, Math.min(b.length, i + 1)));
                start = i + 1;
            }
        }
        int k = ls.size();
        int line = e.at() % k;
        switch (e.op()) {
            case DUPLICATE_LINE -> ls.add(line, ls.get(line));
            case DELETE_LINE -> ls.remove(line);
            default -> {
                int other = (line + 1 + e.pick()) % k;
                byte[] x = ls.get(line);
                ls.set(line, ls.get(other));
                ls.set(other, x);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] l : ls) out.writeBytes(l);
        return out.toByteArray();
    }

    private static byte[] splice(byte[] b, int from, int to, byte[] insert) {
        byte[] out = new byte[b.length - (to - from) + insert.length];
        System.arraycopy(b, 0, out, 0, from);
        System.arraycopy(insert, 0, out, from, insert.length);
        System.arraycopy(b, to, out, from + insert.length, b.length - to);
        return out;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
