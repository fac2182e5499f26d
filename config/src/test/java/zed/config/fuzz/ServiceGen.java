package zed.config.fuzz;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Generated service blocks, of every kind, with vars, env, files (heredocs), runtime, restart, health, print and
 * sudo hooks, and references to the other services of the {@link Plan}. Pure.
 */
final class ServiceGen {
    /** Names per level; {@code db} is in two of them, which a wild chain may declare twice (an error). */
    private static final List<List<String>> POOLS = List.of(List.of("db", "cache", "queue"), List.of("api", "auth", "db"), List.of("web", "ui", "worker"));
    private static final List<String> ENV = List.of("PORT", "DB", "MODE", "URL", "lower_ok");

    record Service(String kind, String name) {
        String ref() {
            return "service." + kind + "." + name;
        }
    }

    /** Which services each level of a chain declares, chosen before any of them is written. */
    record Plan(List<List<Service>> levels) {
        /** The services that level {@code i} may refer to: its own and those above. */
        List<Service> visible(int i) {
            List<Service> v = new ArrayList<>();
            for (int j = 0; j <= i; j++) v.addAll(levels.get(j));
            return v;
        }
    }

    private ServiceGen() {
    }

    static Arbitrary<Plan> plan(ExprGen g, int levels) {
        List<Arbitrary<List<Service>>> ls = new ArrayList<>();
        for (int i = 0; i < levels; i++) {
            List<String> pool = g.wild() || i != 1 ? POOLS.get(i) : List.of("api", "auth");
            Arbitrary<String> kind = g.or(Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.just("exec")), Tuple.of(1, Arbitraries.of("release", "go", "jar"))), "cron", "Exec");
            ls.add(Arbitraries.subsetOf(pool).ofMaxSize(3).flatMap(names -> kind.list().ofSize(names.size()).map(kinds -> {
                List<Service> ss = new ArrayList<>();
                int k = 0;
                for (String n : names) ss.add(new Service(kinds.get(k++), n));
                return ss;
            })));
        }
        return Combinators.combine(ls).as(Plan::new);
    }

    static Arbitrary<String> services(ExprGen g, Plan plan, int level, Set<String> datasets) {
        List<Service> mine = plan.levels().get(level);
        List<Arbitrary<String>> ss = new ArrayList<>();
        for (int i = 0; i < mine.size(); i++) ss.add(service(g, mine.get(i), mine.subList(0, i), plan.visible(level), datasets));
        return join(ss, "\n\n");
    }

    /** @param before the services of this level written before it, which runtime.after may name */
    private static Arbitrary<String> service(ExprGen g, Service s, List<Service> before, List<Service> visible, Set<String> datasets) {
        return Combinators.combine(
                Combinators.combine(datasetAttr(g, datasets), version(g), vars(g), env(g, visible)).as((d, v, va, e) -> d + v + va + e),
                kindOnly(g, s.kind()), fileBlocks(g), runtime(g, s.kind(), before), restart(g), health(g),
                g.or(Arbitraries.of("", "  print = \"http://127.0.0.1:${self.vars.port}/\"\n", datasets.contains("jails/j") ? "  jail = \"j\"\n" : ""), "  jail = \"nope\"\n"),
                sudo()).as((attrs, only, fs, rt, rs, h, extra, su) -> "service \"" + s.kind() + "\" \"" + s.name() + "\" {\n" + attrs + only + fs + rt + rs + h + extra + su + "}");
    }

    private static Arbitrary<String> datasetAttr(ExprGen g, Set<String> datasets) {
        Arbitrary<String> usual = datasets.isEmpty() ? Arbitraries.just("") : Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just("")),
                Tuple.of(2, Arbitraries.of(datasets).map(d -> "  dataset = \"" + d + "\"\n")));
        return g.or(usual, "  dataset = \"nope\"\n", "  dataset = 1\n");
    }

    private static Arbitrary<String> version(ExprGen g) {
        return g.or(Arbitraries.of("", "  version = \"1.4.2\"\n", "  version = \"${self.name}-2\"\n"), "  version = [3]\n");
    }

    private static Arbitrary<String> vars(ExprGen g) {
        Arbitrary<String> port = g.or(Arbitraries.just("port = net::pickport()"), "port = 8080", "port = self.vars.port", "");
        Arbitrary<String> more = Arbitraries.frequencyOf(
                Tuple.of(2, g.num(2).map(x -> "workers = " + x)),
                Tuple.of(2, g.str(2).map(x -> "name = " + x)),
                Tuple.of(1, g.bool(2).map(x -> "debug = " + x)),
                Tuple.of(1, g.any(2).map(x -> "url = " + x)));
        return Combinators.combine(port, more.list().ofMaxSize(3).uniqueElements(m -> m.substring(0, m.indexOf(' '))), Arbitraries.of(", ", "\n    "))
                .as((p, ms, sep) -> {
                    List<String> items = new ArrayList<>();
                    if (!p.isEmpty()) items.add(p);
                    items.addAll(ms);
                    boolean multi = sep.startsWith("\n");
                    return "  vars = {" + (multi ? "\n    " : " ") + String.join(sep, items) + (multi ? "\n  }\n" : " }\n");
                });
    }

    private static Arbitrary<String> env(ExprGen g, List<Service> visible) {
        List<String> refs = new ArrayList<>();
        for (Service s : visible) refs.add(s.ref() + ".vars.port");
        Arbitrary<String> value = Arbitraries.frequencyOf(Tuple.of(3, g.str(2)), Tuple.of(2, g.num(1)),
                Tuple.of(1, Arbitraries.of("secret(\"app\", \"key\")", "\"Bearer ${secret(\"api\")}\"")),
                Tuple.of(refs.isEmpty() ? 0 : 2, refs.isEmpty() ? Arbitraries.just("1") : Arbitraries.of(refs).map(r -> Math.abs(r.hashCode()) % 2 == 0 ? r : "\"http://127.0.0.1:${" + r + "}\"")));
        Arbitrary<String> entry = Combinators.combine(g.or(Arbitraries.of(ENV), "1BAD", "A-B", "\"\""), g.orGen(value, Arbitraries.of("[1, 2]", "null", "{ a = 1 }", "true")))
                .as((k, v) -> k + " = " + v);
        return Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just("")),
                Tuple.of(2, entry.list().ofMaxSize(3).uniqueElements(e -> e.substring(0, e.indexOf(' '))).map(es -> "  env = { " + String.join(", ", es) + " }\n")));
    }

    private static Arbitrary<String> kindOnly(ExprGen g, String kind) {
        return switch (kind) {
            case "release" -> g.or(Arbitraries.just("  release = \"dist/app-1.4.2.tar.gz\"\n"), "");
            case "jar" -> g.or(Arbitraries.just("  jar = \"app.jar\"\n"), "");
            case "go" -> g.or(Arbitraries.of("  git {\n    url = \"https://example.invalid/x.git\"\n    tag = \"v1\"\n  }\n", "  src {\n    path = \"src\"\n    exe  = \"x\"\n  }\n",
                    "  git { url = \"u\", branch = \"main\" }\n"), "", "  git { url = \"u\", tag = \"v1\", branch = \"main\" }\n");
            default -> g.or(Arbitraries.just(""), "  release = \"x.tgz\"\n", "  git { url = \"u\" }\n");
        };
    }

    private static Arbitrary<String> fileBlocks(ExprGen g) {
        // each file its own path; the wild ones share some
        Arbitrary<String> path = g.or(Arbitraries.of("\"${fs::etc()}/NAME.toml\"", "\"${fs::var()}/NAME\"", "\"${fs::state()}/${self.name}-NAME\""),
                "\"${self.dir}/index.html\"", "\"/etc/zed-fuzz\"", "fs::tmp()", "1", "null");
        Arbitrary<String> body = Arbitraries.frequencyOf(Tuple.of(3, g.heredoc()), Tuple.of(2, g.str(2)),
                Tuple.of(1, Arbitraries.of("file(\"notes.txt\")", "enc::json({ a = [1, 2.5, \"x\"], b = null })", "secret(\"tls\", \"key\")")));
        Arbitrary<String> file = Combinators.combine(Arbitraries.of("config", "index", "a b"), path, g.orGen(body, Arbitraries.of("file(\"missing.txt\")", "[]")),
                        g.or(Arbitraries.of("", "    mode = \"0600\"\n", "    mode = \"644\"\n"), "    mode = \"9\"\n", "    mode = 644\n"))
                .as((n, p, b, m) -> "  file \"" + n + "\" {\n    path = " + p.replace("NAME", n.replace(' ', '_')) + "\n    body = " + b + "\n" + m + "  }\n");
        return file.list().ofMaxSize(2).uniqueElements(f -> f.substring(0, f.indexOf('{'))).map(fs -> String.join("", fs));
    }

    private static Arbitrary<String> runtime(ExprGen g, String kind, List<Service> before) {
        Arbitrary<String> arg = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.of("\"sleep\"", "\"600\"", "\"--port\"", "\"${self.vars.port}\"", "\"${self.dir}/bin/app\"")),
                Tuple.of(1, g.str(1)), Tuple.of(g.wild() ? 1 : 0, Arbitraries.of("self.file.config.path", "secret(\"x\")", "1")));
        Arbitrary<String> after = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just("")),
                Tuple.of(before.isEmpty() ? 0 : 1, before.isEmpty() ? Arbitraries.just("") : Arbitraries.of(before).list().uniqueElements().ofMinSize(1).ofMaxSize(2)
                        .map(os -> "\n    after = [" + String.join(", ", os.stream().map(Service::ref).toList()) + "]")),
                Tuple.of(g.wild() ? 1 : 0, Arbitraries.of("\n    after = [\"db\"]", "\n    after = [service.exec]", "\n    after = [self]", "\n    after = [service.exec.nope]")));
        Arbitrary<String> rt = Combinators.combine(arg.list().ofMinSize(1).ofMaxSize(4), after, Arbitraries.of(true, false)).as((args, a, oneLine) ->
                oneLine && a.isEmpty() ? "  runtime { cmd = [" + String.join(", ", args) + "] }\n" : "  runtime {\n    cmd = [" + String.join(", ", args) + "]" + a + "\n  }\n");
        return kind.equals("exec") ? g.orGen(rt, Arbitraries.of("", "  runtime {}\n")) : Arbitraries.oneOf(rt, Arbitraries.just(""));
    }

    private static Arbitrary<String> restart(ExprGen g) {
        return Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just("")),
                Tuple.of(1, g.or(Arbitraries.of("  restart { attempts = 10, interval = \"5m\", delay = \"1s\", max_delay = \"30s\" }\n",
                        "  restart {\n    attempts = 3\n    delay    = \"500ms\"\n  }\n"), "  restart { attempts = 1.5 }\n", "  restart { delay = \"1m\", max_delay = \"1s\" }\n")));
    }

    private static Arbitrary<String> health(ExprGen g) {
        return Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.just("")),
                Tuple.of(1, g.or(Arbitraries.of("  health \"http\" {\n    url    = \"http://127.0.0.1:${self.vars.port}/health\"\n    expect = 200\n  }\n",
                        "  health \"tcp\" {\n    port = self.vars.port\n  }\n", "  health \"exec\" {\n    command  = [\"true\"]\n    interval = \"500ms\"\n    timeout  = \"400ms\"\n  }\n",
                        "  health \"tcp\" { port = self.vars.port, initial_delay = \"1s\", success_threshold = 2 }\n"), "  health \"grpc\" {}\n", "  health \"http\" {}\n",
                        "  health \"exec\" {\n    command  = [\"true\"]\n    interval = \"500ms\"\n    timeout  = \"2s\"\n  }\n")));
    }

    private static Arbitrary<String> sudo() {
        return Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.just("")),
                Tuple.of(1, Arbitraries.just("  sudo \"resolver\" {\n    check = \"grep -q ${self.vars.port} /etc/x\"\n    apply = \"echo ${self.vars.port}\"\n  }\n")));
    }

    static Arbitrary<String> join(List<Arbitrary<String>> parts, String sep) {
        if (parts.isEmpty()) return Arbitraries.just("");
        return Combinators.combine(parts).as(ps -> String.join(sep, ps));
    }
}
