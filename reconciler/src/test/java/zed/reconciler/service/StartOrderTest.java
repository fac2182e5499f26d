package zed.reconciler.service;

import org.junit.jupiter.api.Test;
import zed.reconciler.service.StartOrder.Progress;
import zed.reconciler.service.StartOrder.Service;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** runtime.after and update.max_parallel as a pure decision: who is told the revision now. */
class StartOrderTest {
    static Service restarts(String key, String... after) {
        return new Service(key, List.of(after), true);
    }

    static Service fresh(String key, String... after) {
        return new Service(key, List.of(after), false);
    }

    @Test
    void restartsGoAtMostMaxParallelAtATimeEachUntilItsGatePasses() {
        List<Service> s = List.of(restarts("exec.a"), restarts("exec.b"), restarts("exec.c"));
        Map<String, Progress> p = new HashMap<>();
        assertEquals(List.of("exec.a"), StartOrder.next(s, p, 1));
        p.put("exec.a", Progress.STARTED);
        assertEquals(List.of(), StartOrder.next(s, p, 1));
        p.put("exec.a", Progress.HEALTHY);
        assertEquals(List.of(), StartOrder.next(s, p, 1), "healthy is not enough for a place: its gate still counts");
        p.put("exec.a", Progress.PASSED);
        assertEquals(List.of("exec.b"), StartOrder.next(s, p, 1));
        assertEquals(List.of("exec.b", "exec.c"), StartOrder.next(s, p, 2));
    }

    @Test
    void servicesThatReplaceNothingTakeNoPlace() {
        List<Service> s = List.of(restarts("exec.a"), restarts("exec.b"), fresh("exec.new"), fresh("exec.same"));
        Map<String, Progress> p = new HashMap<>();
        assertEquals(List.of("exec.a", "exec.new", "exec.same"), StartOrder.next(s, p, 1),
                "one held back for a place does not hold back those after it");
    }

    @Test
    void afterWaitsUntilTheNamedServicesOfThisLevelAreHealthy() {
        List<Service> s = List.of(fresh("exec.app", "exec.db", "exec.parents_registry"), fresh("exec.db"));
        Map<String, Progress> p = new HashMap<>();
        assertEquals(List.of("exec.db"), StartOrder.next(s, p, 1), "a name of another level is not waited for here");
        p.put("exec.db", Progress.STARTED);
        assertEquals(List.of(), StartOrder.next(s, p, 1));
        p.put("exec.db", Progress.HEALTHY);
        assertEquals(List.of("exec.app"), StartOrder.next(s, p, 1));
        p.put("exec.db", Progress.FAILED);
        assertEquals(List.of(), StartOrder.next(s, p, 1), "a failed dependency holds its dependents back (the revision fails)");
    }

    @Test
    void aChainStartsOneLinkAtATime() {
        List<Service> s = List.of(fresh("exec.c", "exec.b"), fresh("exec.b", "exec.a"), fresh("exec.a"));
        Map<String, Progress> p = new HashMap<>();
        assertEquals(List.of("exec.a"), StartOrder.next(s, p, 4));
        p.put("exec.a", Progress.PASSED);
        assertEquals(List.of("exec.b"), StartOrder.next(s, p, 4));
        p.put("exec.b", Progress.HEALTHY);
        assertEquals(List.of("exec.c"), StartOrder.next(s, p, 4));
    }
}
