package zed.actors.cds;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The node's part of the training: a real {@code zed agent} (its own home, the dir store, loopback, no metrics, a
 * cluster port the kernel picks, so builds side by side do not collide) started with {@code -XX:DumpLoadedClassList},
 * a level with a dataset and a service brought up and down through it by {@code zed up}/{@code zed down}, then
 * stopped as systemd stops it (SIGTERM). A node started from the archive then skips about 40% of its start's CPU
 * (docs/benchmarks.md), which every {@code zed up}, restart and failover pays.
 */
final class AgentTraining {
    private static final Pattern LISTENING = Pattern.compile("node listening on (http://127\\.0\\.0\\.1:\\d+)");
    private static final long START_SECONDS = 60, STOP_SECONDS = 60;

    private AgentTraining() {
    }

    /** The agent's loaded classes, in its class list's form; {@code java} and {@code jar} as {@link CdsTraining} runs them. */
    static List<String> classes(Path java, Path jar, Path work) throws IOException, InterruptedException {
        Path home = Files.createDirectories(work.resolve("agent-home"));
        Path level = Files.createDirectories(work.resolve("agent-level"));
        // the service sleeps a minute at most: should the training die before its zed down, nothing outlives it long
        Files.writeString(level.resolve("Zedfile"), """
                level "cds-training" {}
                update {
                  min_healthy_time = "0s"
                }
                dataset "d" {
                  properties = { "com.zed-training:round" = "1" }
                }
                service "exec" "s" {
                  dataset = "d"
                  runtime {
                    cmd = ["sleep", "60"]
                  }
                }
                """);
        Path list = work.resolve("classes-agent.lst");
        Path log = work.resolve("agent.log");
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "-XX:DumpLoadedClassList=" + list));
        cmd.addAll(CdsTraining.JVM_OPTIONS);
        cmd.addAll(List.of("-jar", jar.toString(), "agent", "--listen", "127.0.0.1:0", "--cluster", "127.0.0.1:0", "--no-metrics"));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(home.toFile()).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().keySet().removeAll(List.of("ZED_NODE", "ZED_URL", "ZED_TOKEN"));
        pb.environment().put("ZED_HOME", home.toString());
        Process agent = pb.start();
        try {
            String url = listening(agent, log);
            Map<String, String> env = Map.of("ZED_HOME", home.toString(), "ZED_NODE", url);
            List<String> zed = new ArrayList<>(List.of(java.toString()));
            zed.addAll(CdsTraining.JVM_OPTIONS);
            zed.addAll(List.of("-jar", jar.toString()));
            CdsTraining.run(concat(zed, "up", "."), level, env, 0, work.resolve("agent-up.log"));
            CdsTraining.run(concat(zed, "down", "."), level, env, 0, work.resolve("agent-down.log"));
            agent.destroy(); // SIGTERM: the agent leaves the cluster and ends, and its class list is complete
            if (!agent.waitFor(STOP_SECONDS, TimeUnit.SECONDS)) throw new IOException("the training's agent did not end within " + STOP_SECONDS + " s of SIGTERM");
            return CdsTraining.lines(list);
        } finally {
            agent.destroyForcibly();
        }
    }

    private static String listening(Process agent, Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
        while (System.nanoTime() < deadline) {
            Matcher m = LISTENING.matcher(Files.readString(log, StandardCharsets.UTF_8));
            if (m.find()) return m.group(1);
            if (!agent.isAlive()) throw new IOException("the training's agent exited " + agent.exitValue() + " before it listened: " + tail(log));
            Thread.sleep(100); // polling interval of a deadline wait
        }
        throw new IOException("the training's agent did not listen within " + START_SECONDS + " s: " + tail(log));
    }

    private static String tail(Path log) throws IOException {
        List<String> out = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join(" | ", out.subList(Math.max(0, out.size() - 5), out.size()));
    }

    private static List<String> concat(List<String> head, String... tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(List.of(tail));
        return all;
    }
}
