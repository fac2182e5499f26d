package zed.config.fuzz;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Generated Zedfiles: HCL in the shape of the schema, varied in its syntax (comments of three kinds, blank lines,
 * one-line blocks with commas, heredocs, templates, CRLF, tabs, a byte-order mark) and in its content (levels,
 * snapshots, update, datasets, jails with mounts, services of every kind: {@link ServiceGen}). Chains have 1 to 3
 * levels; which services each level declares is chosen first ({@link ServiceGen.Plan}), so that references across
 * services and levels name what exists. Three chains in five are clean and evaluate; the others are wild, with a
 * mistake here and there, as a person writes them. Pure.
 */
public final class ZedfileGen {
    private static final List<String> DATASETS = List.of("data", "www", "apps", "apps/web", "logs", "jails/j");
    private static final Arbitrary<String> SEP = Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.just("\n")), Tuple.of(3, Arbitraries.just("\n\n")),
            Tuple.of(1, Arbitraries.of("\n# a comment\n", "\n// another one\n", "\n/* a block\n   comment */\n", "  # trailing\n")));

    private ZedfileGen() {
    }

    /** Chains of one to three generated levels. */
    public static Arbitrary<ZedChain> chains() {
        return Arbitraries.frequencyOf(Tuple.of(3, chains(false)), Tuple.of(2, chains(true)));
    }

    /** Clean chains only (all of them evaluate), or wild ones only. */
    public static Arbitrary<ZedChain> chains(boolean wild) {
        ExprGen g = wild ? ExprGen.WILD : ExprGen.CLEAN;
        return Arbitraries.integers().between(1, 3).flatMap(n -> ServiceGen.plan(g, n).flatMap(plan -> {
            List<Arbitrary<String>> levels = new ArrayList<>();
            for (int i = 0; i < n; i++) levels.add(level(g, plan, i));
            return Combinators.combine(levels).as(ts -> ZedChain.of(ts.toArray(String[]::new)));
        }));
    }

    private static Arbitrary<String> level(ExprGen g, ServiceGen.Plan plan, int i) {
        Arbitrary<String> header = g.or(Arbitraries.of("", "level \"l" + i + "\" {}", "level \"l" + i + "\" {\n  sysenv = [\"SSH_AUTH_SOCK\", \"HOME\"]\n}"),
                "level \"l" + i + " x\" {}", "level {\n  host = \"h1\"\n}", "level \"a\" \"b\" {}", "level \"\" {}", "level \"l" + i + "\" { pool = 3 }");
        Arbitrary<String> body = Arbitraries.subsetOf(DATASETS).ofMaxSize(3).flatMap(ds -> Combinators.combine(
                snapshots(g), update(g), datasets(g, ds), jails(g, ds), ServiceGen.services(g, plan, i, ds), SEP.list().ofSize(5)).as((s, u, d, j, sv, seps) ->
                s + seps.get(0) + u + seps.get(1) + d + seps.get(2) + j + seps.get(3) + sv + seps.get(4)));
        return Combinators.combine(header, body, Arbitraries.integers().between(0, 19)).as((h, b, form) -> {
            String t = h + "\n" + b;
            return switch (form) {
                case 0 -> t.replace("\n", "\r\n");
                case 1 -> "\uFEFF" + t;
                case 2 -> t.stripTrailing();
                case 3 -> t.replace("  ", "\t");
                default -> t;
            };
        });
    }

    private static Arbitrary<String> snapshots(ExprGen g) {
        Arbitrary<String> keep = g.or(Arbitraries.of("3", "5", "1", "2 + 1"), "0", "-1", "2.5", "\"3\"");
        return Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.just("")),
                Tuple.of(2, Combinators.combine(Arbitraries.of("true", "false", "1 == 1"), keep).as((b, k) -> "snapshots {\n  before_deploy = " + b + "\n  keep          = " + k + "\n}")),
                Tuple.of(1, keep.map(k -> "snapshots { keep = " + k + " }")));
    }

    private static Arbitrary<String> update(ExprGen g) {
        Arbitrary<String> min = g.or(Arbitraries.of("\"500ms\"", "\"1s\"", "\"5s\""), "\"5 s\"", "\"-1s\"", "\"s\"", "5", "\"99999999999d\"", "\"1d\"");
        Arbitrary<String> deadline = g.or(Arbitraries.of("\"30s\"", "\"2m\"", "\"1h\"", "\"1d\"", "\"1h30m\""), "\"1ms\"", "\"\"");
        return Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.just("")),
                Tuple.of(2, Combinators.combine(min, deadline, g.or(Arbitraries.of("", "\n  auto_revert = false"), "\n  auto_revert = true"),
                        g.or(Arbitraries.of("", "\n  max_parallel = 2", "\n  max_parallel = 1"), "\n  max_parallel = 0"))
                        .as((m, h, a, p) -> "update {\n  min_healthy_time = " + m + "\n  healthy_deadline = " + h + a + p + "\n}")),
                Tuple.of(1, min.map(d -> "update { min_healthy_time = " + d + ", max_parallel = 1 }")));
    }

    private static Arbitrary<String> datasets(ExprGen g, Set<String> names) {
        List<Arbitrary<String>> blocks = new ArrayList<>();
        for (String n : names) {
            blocks.add(Arbitraries.frequencyOf(
                    Tuple.of(3, Arbitraries.just("dataset \"" + n + "\" {}")),
                    Tuple.of(3, Combinators.combine(Arbitraries.of("on", "off", "lz4", "zstd"), g.or(Arbitraries.of("1G", "512K", "10G"), "lots", "1.5.G", "-1G"))
                            .as((c, q) -> "dataset \"" + n + "\" {\n  properties = { compression = \"" + c + "\", quota = \"" + q + "\" }\n}")),
                    Tuple.of(1, g.or(Arbitraries.just("/srv/" + n), "relative", "${fs::state()}/x").map(m -> "dataset \"" + n + "\" {\n  mountpoint = \"" + m + "\"\n}"))));
        }
        return ServiceGen.join(blocks, "\n");
    }

    private static Arbitrary<String> jails(ExprGen g, Set<String> datasets) {
        if (!datasets.contains("jails/j")) return Arbitraries.just("");
        Arbitrary<String> mount = datasets.contains("data") ? Arbitraries.of("", "\n  mount \"/var/db\" {\n    dataset = \"data\"\n    mode    = \"rw\"\n  }")
                : g.or(Arbitraries.just(""), "\n  mount \"/var/db\" {\n    dataset = \"data\"\n  }", "\n  mount \"var\" {\n    dataset = \"jails/j\"\n  }");
        return Combinators.combine(g.or(Arbitraries.just("10.17.0.2/24"), "bad-ip", "fd00::2/64"), mount)
                .as((ip, m) -> "jail \"j\" {\n  dataset  = \"jails/j\"\n  hostname = \"j.local\"\n  ip4      = \"" + ip + "\"\n  params   = { \"allow.sysvipc\" = true, \"children.max\" = 4 }" + m + "\n}");
    }
}
