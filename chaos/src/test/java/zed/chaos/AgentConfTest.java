package zed.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.chaos.fault.AgentNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code $ZED_HOME/agent.conf}: the agent's flags as lines of a file, checked as the flags are; a flag given wins. */
class AgentConfTest {
    @Test
    void theFileGivesTheAgentItsFlags(@TempDir Path home) throws Exception {
        Files.writeString(home.resolve("agent.conf"), "# this host\nhost = h7\nevents-kept = 50\n");
        try (AgentNode node = new AgentNode(ZedProcess.bin(), home, List.of()).start()) {
            JsonNode hosts = node.send("GET", "/v1/hosts", null).body();
            assertEquals("h7", hosts.path("hosts").get(0).path("name").asText(), hosts.toString());
        }
    }

    @Test
    void aFlagOnTheCommandLineWinsOverTheFile(@TempDir Path home) throws Exception {
        Files.writeString(home.resolve("agent.conf"), "host = h7\n");
        try (AgentNode node = new AgentNode(ZedProcess.bin(), home, List.of("--host", "h8")).start()) {
            JsonNode hosts = node.send("GET", "/v1/hosts", null).body();
            assertEquals("h8", hosts.path("hosts").get(0).path("name").asText(), hosts.toString());
        }
    }

    @Test
    void aNameThatIsNoFlagIsRefusedNamingTheFlags(@TempDir Path home) throws Exception {
        Files.writeString(home.resolve("agent.conf"), "seeds = 127.0.0.2:25520\n");
        ZedProcess.Outcome o = ZedProcess.run(home, Map.of("ZED_HOME", home.toString()), "agent", "--no-metrics", "--listen", "127.0.0.1:0");
        assertEquals(2, o.exit(), o.toString());
        assertTrue(o.err().contains(home.resolve("agent.conf") + ": \"seeds\" is not a flag of zed agent (api-keystore, api-keystore-password-file, cluster, events-kept, host, journal, listen, metrics, no-metrics, ops-socket, pool, seed, service-user)"), o.toString());
    }

    @Test
    void zedAgentConfNamesTheFileAsTheUnitsDo(@TempDir Path home) throws Exception {
        // the unit's /etc/zed/agent.conf, outside $ZED_HOME: read, and checked, from there (a file in $ZED_HOME is not)
        Path conf = Files.createDirectories(home.resolve("etc")).resolve("agent.conf");
        Files.writeString(conf, "seeds = 127.0.0.2:25520\n");
        Files.writeString(home.resolve("agent.conf"), "host = h7\n");
        ZedProcess.Outcome o = ZedProcess.run(home, Map.of("ZED_HOME", home.toString(), "ZED_AGENT_CONF", conf.toString()), "agent", "--no-metrics", "--listen", "127.0.0.1:0");
        assertEquals(2, o.exit(), o.toString());
        assertTrue(o.err().contains(conf + ": \"seeds\" is not a flag of zed agent"), o.toString());
    }

    @Test
    void aServiceUserThisHostLacksIsRefusedAtTheStartAndOneItHasIsSaid(@TempDir Path home) throws Exception {
        Files.writeString(home.resolve("agent.conf"), "service-user = zed-nosuchuser\n");
        ZedProcess.Outcome o = ZedProcess.run(home, Map.of("ZED_HOME", home.toString()), "agent", "--no-metrics", "--listen", "127.0.0.1:0");
        assertEquals(2, o.exit(), o.toString());
        assertTrue(o.err().contains("--service-user: there is no user zed-nosuchuser on this host"), o.toString());
        Files.writeString(home.resolve("agent.conf"), "service-user = nobody\n");
        try (AgentNode node = new AgentNode(ZedProcess.bin(), home, List.of()).start()) {
            String out = Files.readString(home.resolve("agent.out"));
            assertTrue(out.contains("a service whose Zedfile names no user runs as nobody"), out);
        }
    }

    @Test
    void aBadValueIsRefusedAsTheFlagWouldBe(@TempDir Path home) throws Exception {
        Files.writeString(home.resolve("agent.conf"), "events-kept = many\n");
        ZedProcess.Outcome o = ZedProcess.run(home, Map.of("ZED_HOME", home.toString()), "agent", "--no-metrics", "--listen", "127.0.0.1:0");
        assertEquals(2, o.exit(), o.toString());
        assertTrue(o.err().contains("many"), o.toString());
    }

    @Test
    void anApiKeystoreThatDoesNotOpenStopsTheAgentNamingItsFileNeverItsPassword(@TempDir Path home) throws Exception {
        // not a keystore at all: what matters is that the file's line reaches the node's check, and the password stays out
        Path p12 = home.resolve("api.p12");
        Files.writeString(p12, "no keystore");
        Files.setPosixFilePermissions(p12, PosixFilePermissions.fromString("rw-------"));
        Path pw = home.resolve("api.pw");
        Files.writeString(pw, "s3cret-keystore-pw\n");
        Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(home.resolve("agent.conf"), "api-keystore = " + p12 + "\napi-keystore-password-file = " + pw + "\n");
        ZedProcess.Outcome o = ZedProcess.run(home, Map.of("ZED_HOME", home.toString()), "agent", "--no-metrics", "--listen", "0.0.0.0:0");
        assertEquals(1, o.exit(), o.toString());
        assertTrue(o.err().contains("--api-keystore " + p12 + " does not open as a PKCS12 keystore with the password in " + pw), o.toString());
        assertTrue(!o.out().contains("s3cret-keystore-pw") && !o.err().contains("s3cret-keystore-pw"), "the password is never printed: " + o);

        // a password without its keystore is refused, not ignored
        Path other = Files.createDirectories(home.resolve("other"));
        ZedProcess.Outcome alone = ZedProcess.run(other, Map.of("ZED_HOME", other.toString()), "agent", "--no-metrics", "--listen", "127.0.0.1:0",
                "--api-keystore-password-file", pw.toString());
        assertEquals(2, alone.exit(), alone.toString());
        assertTrue(alone.err().contains("--api-keystore-password-file is the password of --api-keystore, which is not given"), alone.toString());
    }

    @Test
    void aFileWithTheJournalsPasswordThatOthersMayReadIsRefused(@TempDir Path home) throws Exception {
        Path conf = home.resolve("agent.conf");
        Files.writeString(conf, "journal = jdbc:postgresql://127.0.0.1:1/zed?user=zed&password=s3cret\n");
        Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rw-r--r--"));
        ZedProcess.Outcome o = ZedProcess.run(home, Map.of("ZED_HOME", home.toString()), "agent", "--no-metrics", "--listen", "127.0.0.1:0");
        assertEquals(2, o.exit(), o.toString());
        assertTrue(o.err().contains("holds the journal's URL (and its password) but others may read it: chmod 600 " + conf), o.toString());
        assertTrue(!o.out().contains("s3cret") && !o.err().contains("s3cret"), "the password is never printed: " + o);
    }
}
