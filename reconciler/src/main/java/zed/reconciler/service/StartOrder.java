package zed.reconciler.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which services of a level a converge hands their revision to now: {@code runtime.after} and
 * {@code update.max_parallel} as rules, in the order the Zedfile declares the services. Pure.
 *
 * <ul>
 *   <li>A service whose {@code after} names services of this level starts once each of them is healthy at this
 *       revision (its checks pass now; its gate need not have counted min_healthy_time). Names of other levels are
 *       not waited for here: a level converges only after the levels above it.</li>
 *   <li>A service that <em>restarts</em> (it ran at the revision before, with another spec) takes one of
 *       {@code max_parallel} places from when it is told until its gate passes. A service that starts for the first
 *       time, or whose spec did not change, takes none: nothing running is replaced.</li>
 *   <li>One held back for a place does not hold back those declared after it that need none.</li>
 * </ul>
 */
public final class StartOrder {
    private StartOrder() {
    }

    /** How far a service of this revision is. */
    public enum Progress {
        /** Not told yet. */
        WAITING,
        /** Told; its checks do not all pass yet. */
        STARTED,
        /** Told; its checks pass, its gate still counts. */
        HEALTHY,
        /** Its gate passed. */
        PASSED,
        /** Its gate failed. */
        FAILED
    }

    /**
     * @param key      {@code kind.name}, as {@code runtime.after} names it
     * @param after    the keys it waits for
     * @param restarts whether telling it replaces a process that runs another spec
     */
    public record Service(String key, List<String> after, boolean restarts) {
        public Service {
            after = List.copyOf(after);
        }
    }

    /** The keys to tell now, in declaration order; {@code progress} lacks a key that is WAITING. */
    public static List<String> next(List<Service> services, Map<String, Progress> progress, int maxParallel) {
        Set<String> ours = services.stream().map(Service::key).collect(Collectors.toSet());
        long busy = services.stream().filter(s -> s.restarts() && restarting(progress.get(s.key()))).count();
        List<String> now = new ArrayList<>();
        for (Service s : services) {
            if (state(progress, s.key()) != Progress.WAITING) continue;
            boolean ready = s.after().stream().filter(ours::contains).allMatch(d -> healthy(state(progress, d)));
            if (!ready) continue;
            if (s.restarts()) {
                if (busy >= Math.max(1, maxParallel)) continue;
                busy++;
            }
            now.add(s.key());
        }
        return now;
    }

    private static Progress state(Map<String, Progress> progress, String key) {
        return progress.getOrDefault(key, Progress.WAITING);
    }

    private static boolean restarting(Progress p) {
        return p == Progress.STARTED || p == Progress.HEALTHY;
    }

    private static boolean healthy(Progress p) {
        return p == Progress.HEALTHY || p == Progress.PASSED;
    }
}
