package zed.actors.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code zed hosts}: the members of the cluster, from a stand-in node's {@code GET /v1/hosts}, as a table and as JSON. */
class HostsCommandTest {
    /** Five hosts: this one; one on the dir store; one unreachable, whose facts are missing; one with two GPUs; one whose pool is gone. */
    static final String HOSTS = """
            {"hosts":[{"name":"h1","address":"127.0.0.2:25520","status":"up","self":true,\
            "pool":{"name":"zedtest","free":1040187392,"available":true},\
            "gpus":[{"uuid":"GPU-5f0c","name":"NVIDIA H100","vramTotal":85899345920,"vramFree":85000000000}],\
            "levels":["web","infra/shop"],"note":null},\
            {"name":"h2","address":"127.0.0.3:25520","status":"joining","self":false,"pool":null,"gpus":[],"levels":["infra"],"note":null},\
            {"name":"h3","address":"127.0.0.4:25520","status":"unreachable","self":false,"pool":null,"gpus":[],"levels":[],\
            "note":"no answer from the host in 3 s"},\
            {"name":"h4","address":"127.0.0.5:25520","status":"up","self":false,\
            "pool":{"name":"tank/zed","free":1288490189,"available":true},\
            "gpus":[{"uuid":"GPU-1","name":"NVIDIA L4","vramTotal":25769803776,"vramFree":25000000000},\
            {"uuid":"GPU-2","name":"NVIDIA L4","vramTotal":25769803776,"vramFree":25000000000}],"levels":[],"note":null},\
            {"name":"h5","address":"127.0.0.6:25520","status":"leaving","self":false,\
            "pool":{"name":"old","free":0,"available":false},"gpus":[],"levels":["infra/shop"],"note":null}]}""";

    @TempDir
    Path home;
    final StandInNode node = NodeOptionsTest.node();

    @AfterEach
    void stop() {
        node.close();
    }

    CliRun hosts(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "hosts";
        System.arraycopy(args, 0, all, 1, args.length);
        return CliRun.run(Map.of("ZED_HOME", home.toString(), "ZED_NODE", node.url(), "ZED_TOKEN", NodeOptionsTest.ENV_TOKEN), all);
    }

    @Test
    void aTableOfEveryHostWithTheirNotesBelow() {
        node.hostsBody = HOSTS;
        CliRun r = hosts();
        assertEquals(0, r.exit(), r.toString());
        assertEquals("""
                NAME  ADDRESS          STATUS       POOL      FREE         GPUS     LEVELS
                h1*   127.0.0.2:25520  up           zedtest   992M         1 (80G)  web,infra/shop
                h2    127.0.0.3:25520  joining      -         -            -        infra
                h3    127.0.0.4:25520  unreachable  ?         ?            ?        -
                h4    127.0.0.5:25520  up           tank/zed  1.2G         2 (48G)  -
                h5    127.0.0.6:25520  leaving      old       unavailable  -        infra/shop
                note: h3: no answer from the host in 3 s
                """, r.out());
        assertEquals("", r.err());
        assertEquals(List.of(new StandInNode.Request("GET", "/v1/hosts", "Bearer " + NodeOptionsTest.ENV_TOKEN)), node.requests);
    }

    @Test
    void jsonIsTheNodesAnswerAsItIs() {
        node.hostsBody = HOSTS;
        CliRun r = hosts("--format", "json");
        assertEquals(0, r.exit(), r.toString());
        assertEquals(HOSTS + "\n", r.out());
    }

    @Test
    void aClusterOfOneOnTheDirStore() {
        node.hostsBody = "{\"hosts\":[{\"name\":\"dev\",\"address\":\"127.0.0.1:25520\",\"status\":\"up\",\"self\":true,\"pool\":null,\"gpus\":[],\"levels\":[],\"note\":null}]}";
        CliRun r = hosts();
        assertEquals(0, r.exit(), r.toString());
        assertEquals("""
                NAME  ADDRESS          STATUS  POOL  FREE  GPUS  LEVELS
                dev*  127.0.0.1:25520  up      -     -     -     -
                """, r.out());
    }

    @Test
    void anErrorAnswerIsTheNodesMessageAndExitOne() {
        node.hostsStatus = 503;
        node.hostsBody = "{\"errors\":[{\"message\":\"the cluster has no leader yet\"}]}";
        CliRun r = hosts();
        assertEquals(1, r.exit(), r.toString());
        assertEquals("", r.out());
        assertEquals(List.of("the cluster has no leader yet"), r.errLines());

        node.hostsStatus = 200;
        node.hostsBody = "<html>a proxy</html>";
        r = hosts("--format", "json");
        assertEquals(1, r.exit(), r.toString());
        assertEquals("", r.out());
        assertEquals(List.of("zed: the node at " + node.url() + " answered without a list of hosts"), r.errLines());
    }

    @Test
    void noNodeAnswersIsExitOne() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        CliRun r = CliRun.run(Map.of("ZED_HOME", home.toString()), "hosts", "--node", "http://127.0.0.1:" + port);
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().startsWith("zed: no node answers at http://127.0.0.1:" + port + ": "), r.toString());
    }

    @Test
    void sizesAreShortInBinaryUnits() {
        Map<Long, String> sizes = Map.of(0L, "0B", 512L, "512B", 1024L, "1K", 1536L, "1.5K", 1040187392L, "992M", 1288490189L, "1.2G",
                (1L << 30) - 1, "1G", 85899345920L, "80G", 10L * (1L << 30) + (1L << 29), "11G", 3L << 50, "3P");
        sizes.forEach((bytes, shown) -> assertEquals(shown, HostsCommand.size(bytes), String.valueOf(bytes)));
    }
}
