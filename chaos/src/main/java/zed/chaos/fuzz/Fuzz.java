package zed.chaos.fuzz;

import net.jqwik.api.sessions.JqwikSession;
import zed.config.fuzz.Regressions;

import java.net.InetAddress;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;

/**
 * Scenario 5 of the chaos suite at full count ({@code scripts/chaos.sh fuzz [zedfiles=N] [requests=N] [seed=S]
 * [threads=N] [clients=N]}): a million generated and mutated Zedfiles through the parser and the evaluator, and a
 * hundred thousand mutated requests against a live node. Prints the table that docs/reliability.md keeps, and exits
 * non-zero when anything failed. Failing inputs are kept as regression cases in the source tree (ZED_REPO).
 */
public final class Fuzz {
    private Fuzz() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>(Map.of("zedfiles", "1000000", "requests", "100000", "seed", String.valueOf(System.nanoTime()),
                "threads", String.valueOf(Math.max(1, Runtime.getRuntime().availableProcessors())), "clients", "4"));
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            if (kv.length != 2 || !a.containsKey(kv[0])) {
                System.err.println("usage: fuzz [zedfiles=N] [requests=N] [seed=S] [threads=N] [clients=N]; not " + arg);
                System.exit(2);
            }
            a.put(kv[0], kv[1]);
        }
        long zedfiles = Long.parseLong(a.get("zedfiles")), requests = Long.parseLong(a.get("requests")), seed = Long.parseLong(a.get("seed"));
        System.err.println("fuzz: seed=" + seed + " zedfiles=" + zedfiles + " requests=" + requests);
        FuzzTable table = new FuzzTable();
        StringBuilder notes = new StringBuilder();
        JqwikSession.start(); // jqwik's generators and shrinkers, outside a property: on this thread only
        if (zedfiles > 0) zedfiles(zedfiles, seed, Integer.parseInt(a.get("threads")), table, notes);
        if (requests > 0) requests(requests, seed, Integer.parseInt(a.get("clients")), table, notes);
        JqwikSession.finish();
        System.out.println("Scenario 5, fuzzing: " + LocalDate.now() + ", seed " + seed + ", " + InetAddress.getLocalHost().getHostName() + " ("
                + Runtime.getRuntime().availableProcessors() + " cores, Java " + System.getProperty("java.version") + ")\n");
        System.out.println(table.markdown());
        System.out.println(notes);
        System.exit(table.failures() == 0 ? 0 : 1);
    }

    private static void zedfiles(long count, long seed, int threads, FuzzTable table, StringBuilder notes) throws InterruptedException {
        ZedfileFuzz.Result r = new ZedfileFuzz(Regressions.dir()).run(count, seed, threads);
        table.add(new FuzzTable.Row("Zedfiles, generated (chains of 1-3 levels)", r.clean() + r.wild(),
                String.format("%,d with a person's mistakes", r.wild()),
                "parse, structure check and evaluation: no exception but positioned errors, no hang past " + ZedfileFuzz.DEADLINE.toSeconds()
                        + " s, every error inside its file; a valid chain round-trips through SpecJson", count(r.failures(), "generated")));
        table.add(new FuzzTable.Row("Zedfiles, mutated (corpus and generated)", r.mutated(), String.format("%,d mutants, 1-8 edits each", r.mutated()),
                "the same", r.failures().size() - count(r.failures(), "generated")));
        notes.append(String.format("Zedfiles: %,d in %s (%.0f a second, %d threads); %,d evaluated to specs, %,d refused with positioned errors.%n",
                r.runs(), human(r.took()), r.runs() / Math.max(0.001, r.took().toMillis() / 1000.0), threads, r.valid(), r.runs() - r.valid()));
        r.failures().forEach(f -> notes.append("- ").append(f.replace("\n", "\n  ")).append('\n'));
    }

    private static void requests(long count, long seed, int clients, FuzzTable table, StringBuilder notes) throws Exception {
        try (FuzzNode node = FuzzNode.start()) {
            ApiFuzz.Result r = new ApiFuzz(node, ApiRegressions.dir()).run(count, seed, clients);
            table.add(new FuzzTable.Row("HTTP requests to a live node", r.runs(), String.format("%,d mutated requests, %,d mutations", r.mutated(), r.mutations()),
                    "an answer within " + ApiFuzz.TIMEOUT.toSeconds() + " s on every connection, no 5xx, every 4xx JSON with \"errors\" (Zedfile errors positioned), "
                            + "no 2xx past the guard", r.failures().stream().filter(f -> !f.startsWith("after")).count()));
            table.add(new FuzzTable.Row("the node after the fuzz", 1, "-", "answers /v1/health; pushes made right converge", r.healthy() && r.converged().equals("yes") ? 0 : 1));
            notes.append(String.format("Requests: %,d in %s (%.0f a second, %d clients); answers by status: %s.%n", r.runs(), human(r.took()),
                    r.runs() / Math.max(0.001, r.took().toMillis() / 1000.0), clients, r.statuses()));
            r.failures().forEach(f -> notes.append("- ").append(f.replace("\n", "\n  ")).append('\n'));
        }
    }

    private static long count(java.util.List<String> failures, String prefix) {
        return failures.stream().filter(f -> f.startsWith(prefix)).count();
    }

    private static String human(Duration d) {
        return d.toMinutes() > 0 ? d.toMinutes() + " min " + d.toSecondsPart() + " s" : d.toSeconds() + " s";
    }
}
