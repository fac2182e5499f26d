package zed.chaos;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The commands an operator runs all day start without the node's classes: against a real node, {@code bin/zed} runs
 * each with {@code -Xlog:class+load} (through ZED_JAVA_OPTS) and not one class of Pekko, Kamon, Slick, H2, JNR, Scala
 * or the node's own packages is loaded, none comes from zed.jar, and the command's own class comes from the class data
 * sharing archive that the build trained.
 */
class ClientClassesTest {
    /** What only the node needs. The CLI's own, zed.actors.cli, and the few pure classes it shares with the node's API (its tokens, their scopes, the owner-only check of their files, a level's path), may load. */
    static final Pattern NODE = Pattern.compile("(org\\.apache\\.pekko|kamon|slick|org\\.h2|org\\.postgresql|scala|jnr|com\\.kenai|ch\\.qos\\.logback|org\\.slf4j)[.$].*"
            + "|zed\\.actors\\.(?!Main$|cli\\.|http\\.ApiTokens?($|\\$)|http\\.OwnerOnly($|\\$)|http\\.Scope($|\\$)|http\\.LevelPath($|\\$)).*");

    @TempDir
    Path tmp;
    Process node;

    @AfterEach
    void stopTheNode() throws Exception {
        if (node == null) return;
        node.destroy();
        node.onExit().get(30, TimeUnit.SECONDS);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Starts {@code zed agent} on a free port, as the brief of a throw-away node says, and waits until it answers. */
    String startNode(Path home) throws Exception {
        int port = freePort();
        ProcessBuilder pb = new ProcessBuilder(ZedProcess.bin().toString(), "agent", "--listen", "127.0.0.1:" + port, "--no-metrics")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("agent.log").toFile());
        pb.environment().put("ZED_HOME", home.toString());
        node = pb.start();
        String url = "http://127.0.0.1:" + port;
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(url + "/v1/health")).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) return url;
            } catch (IOException notYet) {
                // not listening yet
            }
            if (!node.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("the node did not answer within 90 s: " + Files.readString(tmp.resolve("agent.log")));
            }
            Thread.sleep(100); // polling interval of a deadline wait
        }
    }

    @Test
    void theCommandsThatTalkToANodeLoadNoneOfItsClassesAndStartFromTheArchive() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        String url = startNode(home);
        Path work = Files.createDirectories(tmp.resolve("work"));
        Files.createDirectories(work.resolve("shop"));
        Files.writeString(work.resolve("shop/Zedfile"), "dataset \"a\" {}\ndataset \"b\" {\n  properties = { compression = \"on\" }\n}\n");
        Files.createDirectories(work.resolve("tools"));
        Files.writeString(work.resolve("tools/Zedfile"), """
                service "exec" "web" {
                  vars    = { port = net::pickport() }
                  runtime { cmd = ["web", "--port", "${self.vars.port}"] }
                }
                """);

        List<List<String>> commands = List.of(List.of("up", "shop"), List.of("status", "shop"), List.of("status", "--format", "json", "shop"),
                List.of("sudo", "shop"), List.of("plan", "shop"), List.of("validate", "shop", "tools"), List.of("get", "--dir", "tools", "service.exec.web.vars.port"),
                List.of("hosts"), List.of("jobs"), List.of("jobs", "--format", "json"), List.of("token", "list"), List.of("secrets", "init"), List.of("secrets", "status"), List.of("down", "shop"), List.of("version"), List.of("completion", "bash"));
        for (int i = 0; i < commands.size(); i++) {
            List<String> command = commands.get(i);
            Path loaded = tmp.resolve("classes-" + i + ".txt");
            ZedProcess.Outcome o = ZedProcess.run(work, Map.of("ZED_HOME", home.toString(), "ZED_URL", url,
                    "ZED_JAVA_OPTS", "-Xlog:class+load=info:file=" + loaded), command.toArray(String[]::new));
            assertEquals(0, o.exit(), command + ": " + o);
            List<String> lines = Files.readAllLines(loaded);
            assertTrue(lines.size() > 1000, command + " loaded " + lines.size() + " classes: is the log there?");
            List<String> fromTheNode = lines.stream().map(ClientClassesTest::className).filter(c -> NODE.matcher(c).matches()).toList();
            assertEquals(List.of(), fromTheNode, command + " loaded the node's classes");
            assertEquals(List.of(), lines.stream().filter(l -> l.contains("/zed.jar")).toList(), command + " loaded classes from zed.jar");
            String own = "zed.actors.cli." + Character.toUpperCase(command.get(0).charAt(0)) + command.get(0).substring(1) + "Command";
            assertTrue(lines.stream().anyMatch(l -> l.contains(" " + own + " source: shared objects file")),
                    command + ": " + own + " did not come from the class data sharing archive: " + lines.stream().filter(l -> l.contains(own)).toList());
        }
    }

    /** {@code [0.012s][info][class,load] java.lang.Object source: shared objects file} → the class name. */
    static String className(String line) {
        int at = line.indexOf("] ", line.indexOf("class,load"));
        String rest = at < 0 ? line : line.substring(at + 2);
        int space = rest.indexOf(' ');
        return space < 0 ? rest : rest.substring(0, space);
    }
}
