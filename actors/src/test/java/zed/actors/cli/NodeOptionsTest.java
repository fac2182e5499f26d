package zed.actors.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which node a command talks to and which token it sends: {@code --node}, else ZED_NODE, else ZED_URL, else
 * 127.0.0.1:7700; ZED_TOKEN, else $ZED_HOME/api-token. Over real HTTP, to stand-in nodes on loopback.
 */
class NodeOptionsTest {
    static final String FILE_TOKEN = "f".repeat(64);
    static final String ENV_TOKEN = "e0".repeat(20);

    @TempDir
    Path tmp;
    Path home;
    final StandInNode a = node();
    final StandInNode b = node();
    final StandInNode c = node();

    static StandInNode node() {
        try {
            return new StandInNode();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @BeforeEach
    void home() throws Exception {
        home = Files.createDirectories(tmp.resolve("home"));
        Path token = home.resolve("api-token");
        Files.writeString(token, FILE_TOKEN + "\n");
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
        c.close();
    }

    Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>(Map.of("ZED_HOME", home.toString()));
        for (int i = 0; i < pairs.length; i += 2) env.put(pairs[i], pairs[i + 1]);
        return env;
    }

    @Test
    void theOptionWinsOverZedNodeWhichWinsOverZedUrlWhichWinsOverTheDefault() {
        CliRun r = CliRun.run(env("ZED_NODE", b.url(), "ZED_URL", c.url()), "hosts", "--node", a.url());
        assertEquals(0, r.exit(), r.toString());
        assertEquals(List.of("/v1/hosts"), a.paths());
        assertEquals(List.of(), b.paths());
        assertEquals(List.of(), c.paths());

        r = CliRun.run(env("ZED_NODE", b.url(), "ZED_URL", c.url()), "hosts");
        assertEquals(0, r.exit(), r.toString());
        assertEquals(List.of("/v1/hosts"), b.paths());
        assertEquals(List.of(), c.paths());

        r = CliRun.run(env("ZED_URL", c.url()), "hosts");
        assertEquals(0, r.exit(), r.toString());
        assertEquals(List.of("/v1/hosts"), c.paths());
        assertEquals(1, a.paths().size() * b.paths().size(), "no other node was asked again");

        // an empty variable is an unset one; nothing set is the node on this host's default port (not called here)
        NodeOptions o = new NodeOptions();
        o.env = env("ZED_NODE", "", "ZED_URL", c.url());
        assertEquals(URI.create(c.url()), o.base());
        o.env = env();
        assertEquals(URI.create("http://127.0.0.1:7700"), o.base());
        assertEquals(URI.create("http://127.0.0.1:7700"), o.client().base);
    }

    @Test
    void aCommandWithADirectoryTalksToTheNodeTheOptionNames() throws Exception {
        Path shop = Files.createDirectories(tmp.resolve("work/shop"));
        Files.writeString(shop.resolve("Zedfile"), "level \"shop\" {}\ndataset \"a\" {}\n");
        CliRun r = CliRun.run(env("ZED_NODE", b.url()), "status", "--node", a.url(), shop.toString());
        assertEquals(0, r.exit(), r.toString());
        assertEquals("shop  NotPushed\n", r.out());
        assertEquals(List.of("/v1/health", "/v1/levels/shop"), a.paths());
        assertEquals(List.of(), b.paths());
        assertEquals("Bearer " + FILE_TOKEN, a.requests.get(1).authorization());
    }

    @Test
    void everyCommandThatTalksToANodeTakesTheOptionAndNoOtherDoes() {
        List<String> talk = List.of("up", "status", "down", "rollback", "events", "sudo", "hosts", "jobs", "move", "failover", "promote");
        for (String name : ZedCommand.COMMANDS) {
            var option = ZedCommand.commandLine(name).getSubcommands().get(name).getCommandSpec().findOption("--node");
            if (talk.contains(name)) assertNotNull(option, name);
            else assertNull(option, name);
        }
        // a group's commands: each talks to a node
        assertNotNull(ZedCommand.commandLine("job").getSubcommands().get("job").getSubcommands().get("rollback").getCommandSpec().findOption("--node"));
        assertNotNull(ZedCommand.commandLine("job").getSubcommands().get("job").getSubcommands().get("move").getCommandSpec().findOption("--node"));
    }

    @Test
    void aNodeOptionThatIsNotAUrlIsAUsageError() {
        CliRun r = CliRun.run(env(), "hosts", "--node", "127.0.0.1:7700");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("not an http:// or https:// URL with a host: '127.0.0.1:7700'"), r.toString());
        r = CliRun.run(env("ZED_NODE", "ftp://h1"), "hosts");
        assertEquals(1, r.exit(), r.toString());
        assertEquals(List.of("zed: ZED_NODE is not an http:// or https:// URL with a host: ftp://h1"), r.errLines());
    }

    @Test
    void zedTokenWinsOverTheTokenFileAndIsSentAsTheBearerToken() {
        CliRun r = CliRun.run(env("ZED_NODE", a.url(), "ZED_TOKEN", ENV_TOKEN), "hosts");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("Bearer " + ENV_TOKEN, a.requests.get(0).authorization());

        r = CliRun.run(env("ZED_NODE", a.url()), "hosts");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("Bearer " + FILE_TOKEN, a.requests.get(1).authorization());
    }

    @Test
    void zedTokenIsUsedWhereThereIsNoTokenFile() throws Exception {
        Files.delete(home.resolve("api-token"));
        CliRun r = CliRun.run(env("ZED_NODE", a.url(), "ZED_TOKEN", ENV_TOKEN + "\n"), "hosts");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("Bearer " + ENV_TOKEN, a.requests.get(0).authorization());
    }

    @Test
    void aShortEmptyOrUnprintableZedTokenIsRefusedInOneLineThatDoesNotShowIt() {
        String file = home.resolve("api-token").toString();
        Map<String, String> cases = Map.of("s3cr3t-value", "a token of 12 characters",
                "", "nothing",
                "s3cr3t" + "x".repeat(30) + " y", "a token of 38 characters, some of them spaces or not printable",
                "s3cr3t" + "x".repeat(30) + "\r\nX-Evil: 1", "a token of 47 characters, some of them spaces or not printable");
        for (Map.Entry<String, String> e : cases.entrySet()) {
            CliRun r = CliRun.run(env("ZED_NODE", a.url(), "ZED_TOKEN", e.getKey()), "hosts");
            assertEquals(1, r.exit(), r.toString());
            assertEquals(List.of("zed: ZED_TOKEN holds " + e.getValue() + "; a token has at least 32 printable characters: "
                    + "set it to the node's (its $ZED_HOME/api-token), or unset it to use " + file), r.errLines(), r.toString());
            assertFalse(r.err().contains("s3cr3t") || r.out().contains("s3cr3t"), r.toString());
        }
        assertEquals(List.of(), a.paths(), "nothing was sent");
    }

    @Test
    void aNodeThatRefusesZedTokenSaysWhichTokenWasSent() {
        a.hostsStatus = 401;
        a.hostsBody = "{\"errors\":[{\"message\":\"send Authorization: Bearer <the token in /root/.zed/api-token>\"}]}";
        CliRun r = CliRun.run(env("ZED_NODE", a.url(), "ZED_TOKEN", ENV_TOKEN), "hosts");
        assertEquals(1, r.exit(), r.toString());
        assertEquals(List.of("send Authorization: Bearer <the token in /root/.zed/api-token>",
                "(zed sent the token in ZED_TOKEN: is it this node's?)"), r.errLines());
        assertFalse(r.err().contains(ENV_TOKEN), r.toString());
    }

    @Test
    void upStartsNoNodeHereForANodeElsewhere() throws Exception {
        Path shop = Files.createDirectories(tmp.resolve("work/shop"));
        Files.writeString(shop.resolve("Zedfile"), "level \"shop\" {}\ndataset \"a\" {}\n");
        // TEST-NET-1 (RFC 5737): not this host, and nothing answers there
        String elsewhere = "http://192.0.2.1:7700";
        for (CliRun r : List.of(CliRun.run(env(), "up", "--node", elsewhere, shop.toString()),
                CliRun.run(env("ZED_NODE", elsewhere), "up", shop.toString()))) {
            assertEquals(1, r.exit(), r.toString());
            assertEquals(List.of("zed: no node answers at " + elsewhere + "; zed up starts a node only on this host (a loopback address),"
                    + " so start zed agent on that host, or name another node with --node or ZED_NODE"), r.errLines());
            assertFalse(Files.exists(home.resolve("agent.log")), "a node was started: " + r);
        }
    }

    @Test
    void aNodeIsLocalWhenItsAddressIsALoopbackOne() {
        for (String url : List.of("http://127.0.0.1:7700", "http://127.0.0.5:1", "http://[::1]:7700", "http://localhost:7700")) {
            assertTrue(new NodeClient(URI.create(url), null).local(), url);
        }
        for (String url : List.of("http://192.0.2.1:7700", "http://[2001:db8::1]:7700", "http://zed-no-such-host.invalid:7700")) {
            assertFalse(new NodeClient(URI.create(url), null).local(), url);
        }
    }
}
