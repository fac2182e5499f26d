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

    static final String INFRA = """
            level "infra" {
              host = "h1"
            }
            dataset "where" {
              properties = { "com.acme:where" = host::name() }
            }
            service "exec" "registry" {
              vars    = { port = 5000 }
              runtime { cmd = ["registry"] }
            }
            """;
    static final String SHOP = """
            level "shop" {
              host = "h2"
            }
            dataset "where" {
              properties = { "com.acme:where" = host::name() }
            }
            service "exec" "web" {
              env     = { REGISTRY = "http://${service.exec.registry.address}:${service.exec.registry.vars.port}" }
              runtime { cmd = ["web"] }
            }
            """;

    /**
     * A child on h2 below a parent on h1: each level is evaluated as its own host runs it, and the child reaches the
     * parent's service at the parent's host's address, which it never writes by hand.
     */
    @Test
    void aChildReachesItsParentsServiceAtTheParentsHost() {
        Path infra = Path.of("/srv/infra/Zedfile"), shop = Path.of("/srv/infra/shop/Zedfile");
        LocalHost h2 = new LocalHost(Map.of(), Set.of(), "h2").inCluster(Map.of("infra", "h1", "infra/shop", "h2"), Map.of("h1", "10.0.0.1", "h2", "10.0.0.2"));
        EvalInputs inputs = new EvalInputs(h2, Path.of("/var/lib/zed"), null, Path.of("/var/lib/zed/store"), Map.of());
        ChainEvaluator.Result r = ChainEvaluator.evaluate(List.of(new Chain.Link(infra, "infra/Zedfile", false), new Chain.Link(shop, "shop/Zedfile", false)),
                Map.of(infra, INFRA.getBytes(StandardCharsets.UTF_8), shop, SHOP.getBytes(StandardCharsets.UTF_8)), inputs);
        assertTrue(r.ok(), r.errors().toString());
        assertEquals("infra/shop", r.leaf().id());
        assertEquals("h2", r.leaf().datasets().get(0).properties().get("com.acme:where"));
        assertEquals("h1", r.levels().get(0).datasets().get(0).properties().get("com.acme:where"), "the parent, as its host runs it");
        assertEquals(new zed.config.Value.Str("http://10.0.0.1:5000"), r.leaf().services().get(0).env().get("REGISTRY"));
    }

    @Test
    void onOneHostAServicesAddressIsTheHostsOwn() {
        Path infra = Path.of("/srv/infra/Zedfile"), shop = Path.of("/srv/infra/shop/Zedfile");
        LocalHost alone = new LocalHost(Map.of(), Set.of(), "h1").inCluster(Map.of(), Map.of("h1", "127.0.0.1"));
        EvalInputs inputs = new EvalInputs(alone, Path.of("/var/lib/zed"), null, Path.of("/var/lib/zed/store"), Map.of());
        ChainEvaluator.Result r = ChainEvaluator.evaluate(List.of(new Chain.Link(infra, "infra/Zedfile", false), new Chain.Link(shop, "shop/Zedfile", false)),
                Map.of(infra, INFRA.replace("host = \"h1\"", "").getBytes(StandardCharsets.UTF_8), shop, SHOP.replace("host = \"h2\"", "").getBytes(StandardCharsets.UTF_8)), inputs);
        assertTrue(r.ok(), r.errors().toString());
        assertEquals(new zed.config.Value.Str("http://127.0.0.1:5000"), r.leaf().services().get(0).env().get("REGISTRY"));
    }

    @Test
    void aCommandLinesOwnEvaluationSaysLocalhost() {
        assertEquals("localhost", new LocalHost(Map.of()).name());
    }
}
