package zed.chaos.fuzz;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.PropagationMode;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Scenario 5 of the chaos suite against a live node, at a CI count (scripts/chaos.sh fuzz sends a hundred thousand):
 * mutated requests over real sockets are answered by the API's rules ({@link ApiOracle}); a failing request is shrunk
 * by jqwik and kept ({@link KeepApiFailures}); every request kept so far is answered right now; and after a burst
 * from several clients the node still answers its health check and converges pushes made right.
 */
@AddLifecycleHook(value = KeepApiFailures.class, propagateTo = PropagationMode.ALL_DESCENDANTS)
class ApiFuzzTest {
    static FuzzNode node;

    @BeforeContainer
    static void start() throws Exception {
        node = FuzzNode.start();
    }

    @AfterContainer
    static void stop() {
        if (node != null) node.close();
    }

    @Provide
    Arbitrary<ApiRequests.Mutant> requests() {
        return ApiRequests.requests();
    }

    @Property(tries = 400)
    void everyRequestIsAnsweredByTheApisRules(@ForAll("requests") ApiRequests.Mutant m) {
        ApiRequest r = m.request();
        List<String> faults = ApiOracle.faults(r, node.send(r, ApiFuzz.TIMEOUT));
        assertTrue(faults.isEmpty(), () -> String.join("\n", faults));
    }

    @Example
    void everyRequestThatEverFailedIsAnsweredRightNow() {
        Map<String, ApiRequest> kept = ApiRegressions.load(ApiRegressions.dir());
        assertTrue(Files.isRegularFile(ApiRegressions.dir().resolve("README.md")) && !kept.isEmpty(), "no kept requests in " + ApiRegressions.dir().toAbsolutePath());
        List<String> failing = new ArrayList<>();
        kept.forEach((id, r) -> {
            List<String> faults = ApiOracle.faults(r, node.send(r, ApiFuzz.TIMEOUT));
            if (!faults.isEmpty()) failing.add(id + ": " + String.join("; ", faults) + r);
        });
        assertEquals(List.of(), failing);
    }

    @Example
    void afterABurstFromFourClientsTheNodeAnswersAndConverges() throws Exception {
        ApiFuzz.Result r = new ApiFuzz(node, ApiRegressions.dir()).run(200, 20261204L, 4);
        assertEquals(200, r.runs());
        assertTrue(r.healthy(), "the node answers its health check");
        assertEquals("yes", r.converged(), "pushes made right converge");
        assertEquals(List.of(), r.failures());
    }
}
