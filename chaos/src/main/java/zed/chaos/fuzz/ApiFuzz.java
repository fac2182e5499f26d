package zed.chaos.fuzz;

import net.jqwik.api.RandomGenerator;
import net.jqwik.api.Shrinkable;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * The API half of scenario 5 at full count: mutated requests ({@link ApiRequests}) from a few clients at once
 * against a live {@link FuzzNode}, each answer judged by {@link ApiOracle}. A failing request is shrunk (sent
 * again, smaller, to the same node) and kept in {@link ApiRegressions}. Afterwards the node must still answer its
 * health check, and pushes made right must still converge.
 */
final class ApiFuzz {
    /** Longer than any answer the API gives but a stop's: a push is asked within 15 s, pekko times a request out at 20 s. */
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** @param failures the last, when the node failed afterwards, starts with "after" */
    record Result(long runs, long mutated, long mutations, Map<Integer, Long> statuses, List<String> failures, boolean healthy, String converged, Duration took) {
    }

    private final FuzzNode node;
    private final Path kept;
    private long mutated, mutations;
    private final Map<Integer, Long> statuses = Collections.synchronizedMap(new TreeMap<>());
    private final List<String> failures = new ArrayList<>();

    ApiFuzz(FuzzNode node, Path kept) {
        this.node = node;
        this.kept = kept;
    }

    Result run(long count, long seed, int clients) throws InterruptedException {
        long start = System.nanoTime();
        Random random = new Random(seed);
        RandomGenerator<ApiRequests.Mutant> gen = ApiRequests.requests().generator(1000);
        FuzzLoop.run(count, clients, "requests", () -> {
            Shrinkable<ApiRequests.Mutant> m = gen.next(random);
            if (!m.value().mutations().isEmpty()) mutated++;
            mutations += m.value().mutations().size();
            return m;
        }, this::check, this::failed);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        boolean healthy;
        String converged;
        try {
            healthy = node.healthy();
            for (String id : List.of(ApiCalls.PARENT, ApiCalls.CHILD, "after-fuzz")) node.converge(id);
            converged = "yes";
        } catch (Exception e) {
            healthy = false;
            converged = "no: " + e.getMessage();
        }
        if (!healthy || !converged.equals("yes")) failures.add("after the fuzz: healthy " + healthy + ", pushes made right converge: " + converged);
        return new Result(count, mutated, mutations, Map.copyOf(statuses), List.copyOf(failures), healthy, converged, took);
    }

    private List<String> check(ApiRequests.Mutant m) {
        ApiRequest r = m.request();
        Wire.Outcome o = node.send(r, TIMEOUT);
        if (o instanceof Wire.Answer a) statuses.merge(a.status(), 1L, Long::sum);
        return ApiOracle.faults(r, o);
    }

    private void failed(Shrinkable<ApiRequests.Mutant> m, List<String> faults) {
        String kind = faults.get(0).substring(0, Math.min(30, faults.get(0).length()));
        ApiRequest small = Shrinking.shrink(m, c -> {
            List<String> again = ApiOracle.faults(c.request(), node.send(c.request(), TIMEOUT));
            return !again.isEmpty() && again.get(0).startsWith(kind);
        }, Duration.ofMinutes(2)).request();
        Path p = ApiRegressions.save(kept, small);
        List<String> now = ApiOracle.faults(small, node.send(small, TIMEOUT));
        String f = String.join("\n", now.isEmpty() ? faults : now);
        failures.add(p.getFileName() + ": " + f);
        System.err.println("FAILED, kept as " + p + ":\n" + f + small);
    }
}
