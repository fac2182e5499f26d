package zed.config.eval;

import org.junit.jupiter.api.Test;
import zed.config.Chain;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code host::name()} is the name of the host the level is evaluated on: the node's {@code --host}. */
class HostNameTest {
    static final String ZEDFILE = """
            level "web" {
              host = "h7"
            }
            dataset "d" {
              properties = { "com.acme:where" = host::name() }
            }
            """;

    @Test
    void itIsTheEvaluatingHostsNameAndTheLevelKeepsItsDeclaredHost() {
        Path f = Path.of("/srv/web/Zedfile");
        EvalInputs inputs = new EvalInputs(new LocalHost(Map.of(), Set.of(), "h7"), Path.of("/var/lib/zed"), null, Path.of("/var/lib/zed/store"), Map.of());
        ChainEvaluator.Result r = ChainEvaluator.evaluate(List.of(new Chain.Link(f, "Zedfile", false)), Map.of(f, ZEDFILE.getBytes(StandardCharsets.UTF_8)), inputs);
        assertTrue(r.ok(), r.errors().toString());
        assertEquals("h7", r.leaf().datasets().get(0).properties().get("com.acme:where"));
        assertEquals("h7", r.leaf().host());
    }

    @Test
    void aCommandLinesOwnEvaluationSaysLocalhost() {
        assertEquals("localhost", new LocalHost(Map.of()).name());
    }
}
