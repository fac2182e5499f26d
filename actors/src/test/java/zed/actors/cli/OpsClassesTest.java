package zed.actors.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code zed ops} stays small: started for real (a JVM of its own, {@code -Xlog:class+load}), it binds its socket
 * without loading one class of Pekko, Kamon, Slick, H2, Scala or the node's own packages.
 */
class OpsClassesTest {
    static final Pattern NODE = Pattern.compile("(org\\.apache\\.pekko|kamon|slick|org\\.h2|org\\.postgresql|scala|ch\\.qos\\.logback)[.$].*"
            + "|zed\\.actors\\.(?!Main$|cli\\.).*");

    @TempDir
    Path tmp;

    @Test
    void zedOpsServesWithoutTheNodesClasses() throws Exception {
        Path socket = tmp.resolve("run/ops.sock");
        Path log = tmp.resolve("classes.log");
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process ops = new ProcessBuilder(java, "-Xlog:class+load=info", "-cp", System.getProperty("java.class.path"), "zed.actors.Main", "ops",
                "--root", "zedtest/ops-classes", "--socket", socket.toString(), "--group", "root", "--agent-user", "nobody", "--audit", tmp.resolve("audit.log").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!Files.exists(socket) || !Files.readString(log).contains("zed ops: serving")) {
                assertTrue(ops.isAlive() && System.nanoTime() < deadline, "zed ops did not bind its socket within 60 s: " + Files.readString(log));
                Thread.sleep(100); // polling interval of a deadline wait
            }
        } finally {
            ops.destroy();
            ops.waitFor(30, TimeUnit.SECONDS);
        }
        List<String> loaded = Files.readAllLines(log).stream().filter(l -> l.contains("[class,load]"))
                .map(l -> l.replaceAll(".*\\[class,load\\] (\\S+).*", "$1")).toList();
        assertTrue(loaded.contains("zed.reconciler.ops.OpsServer"), "the log is of class loading");
        List<String> node = loaded.stream().filter(c -> NODE.matcher(c).matches()).toList();
        assertTrue(node.isEmpty(), "zed ops loaded the node's classes: " + node);
    }
}
