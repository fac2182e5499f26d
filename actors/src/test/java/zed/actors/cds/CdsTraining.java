package zed.actors.cds;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Makes the class data sharing archive that {@code bin/zed} starts the command line and the node with ({@code zed-cli.jsa}), the
 * JDK 17 way for a static archive: run the commands as an operator does, each with {@code -XX:DumpLoadedClassList},
 * add the JDK's own list (so that nothing the default archive holds is missing), and dump the lot with
 * {@code -Xshare:dump}. The archive holds those classes parsed, verified and laid out, and the method handles that
 * string concatenation and lambdas would otherwise spin at every start.
 *
 * <p>Run by the actors build after it has made zed-cli.jar (see actors/pom.xml), with the {@code java} that bin/zed
 * runs, since an archive fits one JVM build only: {@code CdsTraining <zed-cli.jar> <archive>}. It never fails the build:
 * on any failure it says why in one line and leaves no archive, and bin/zed starts without one, only slower.
 */
public final class CdsTraining {
    /** bin/zed's options that shape the JVM; the archive is dumped and checked with them. */
    static final List<String> JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData", "-Xss8m");
    private static final long COMMAND_SECONDS = 120;

    private CdsTraining() {
    }

    public static void main(String[] args) {
        Path jar = Path.of(args[0]).toAbsolutePath();
        Path archive = Path.of(args[1]).toAbsolutePath();
        Path agentArchive = args.length > 2 ? Path.of(args[2]).toAbsolutePath() : null;
        Path work = null;
        try {
            // an archive of the jar before this one is no use, and bin/zed would skip it anyway
            Files.deleteIfExists(archive);
            if (agentArchive != null) Files.deleteIfExists(agentArchive);
            work = Files.createTempDirectory("zed-cds-");
            long start = System.nanoTime();
            // ZED_CDS_AGENT=0 leaves the node's archive out (the old one is gone all the same): a rebuild for the command
            // line alone, as BinZedTest's, takes ~35 s less (the agent's run and its 13,000-class dump)
            Trained t = train(jar, work, agentArchive != null && !"0".equals(System.getenv("ZED_CDS_AGENT")));
            int classes = dump(jar, t.commands(), archive, work, "cli");
            System.out.printf("zed: %s, %d classes, trained in %.1f s%n", archive.getFileName(), classes, (System.nanoTime() - start) / 1e9);
            if (!t.agent().isEmpty()) {
                try {
                    classes = dump(jar, t.agent(), agentArchive, work, "agent");
                    System.out.printf("zed: %s, %d classes%n", agentArchive.getFileName(), classes);
                } catch (IOException e) {
                    System.out.println("zed: no class data sharing archive for the node (it works, only starts slower): " + e.getMessage());
                }
            }
        } catch (Exception e) {
            System.out.println("zed: no class data sharing archive (the command line works, only starts slower): " + e.getMessage());
            try {
                Files.deleteIfExists(archive);
            } catch (IOException ignored) {
                // nothing more to do
            }
        } finally {
            // ZED_CDS_KEEP=1 keeps the class lists and the logs of the training runs and the dump, to look into
            if (work != null && System.getenv("ZED_CDS_KEEP") == null) delete(work);
            else if (work != null) System.out.println("zed: the training's lists and logs are in " + work);
        }
        System.exit(0);
    }

    /**
     * The classes the commands load, and those the node loads (none when not asked for, or when its training failed).
     * Two archives, not one: the JVM maps an archive at a random address and relocates all of it, so the node's
     * classes in the commands' archive would cost every command about 150 ms (measured: --version 0.55 s without an
     * archive, 0.7 s with one of both).
     */
    record Trained(Set<String> commands, Set<String> agent) {
    }

    static Trained train(Path jar, Path work, boolean withAgent) throws IOException, InterruptedException {
        Path java = java();
        TrainingTree tree = TrainingTree.write(work);
        Set<String> classes = new LinkedHashSet<>();
        Set<String> agentClasses = new LinkedHashSet<>();
        // each command on its own node (a stand-in, started in a millisecond), so that running them side by side is
        // the same training as one after the other: a status must not take the look that an up's follow waits on
        List<TrainingTree.Run> runs = tree.runs();
        ExecutorService pool = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
        try {
            List<Future<List<String>>> lists = new ArrayList<>();
            // the node too, first (the longest run), beside the commands: its classes are most of what a zed agent (or the node zed up starts) loads
            Future<List<String>> agent = pool.submit(() -> {
                if (!withAgent) return List.of();
                try {
                    return AgentTraining.classes(java, jar, work);
                } catch (IOException e) {
                    System.out.println("zed: the class data sharing archive leaves out the node's classes (the node works, only starts slower): " + e.getMessage());
                    return List.of();
                }
            });
            for (int i = 0; i < runs.size(); i++) {
                TrainingTree.Run r = runs.get(i);
                Path list = work.resolve("classes-" + i + ".lst");
                Path log = work.resolve("run-" + i + ".log");
                lists.add(pool.submit(() -> {
                    try (TrainingNode node = new TrainingNode()) {
                        List<String> cmd = new ArrayList<>(List.of(java.toString(), "-XX:DumpLoadedClassList=" + list));
                        cmd.addAll(JVM_OPTIONS);
                        cmd.addAll(List.of("-jar", jar.toString()));
                        cmd.addAll(r.args());
                        run(cmd, r.dir(), Map.of("ZED_HOME", tree.home().toString(), "ZED_NODE", r.withNode() ? node.url() : "http://127.0.0.1:1"), r.exit(), log);
                        return lines(list);
                    }
                }));
            }
            for (Future<List<String>> l : lists) classes.addAll(l.get());
            agentClasses.addAll(agent.get());
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
        return new Trained(classes, agentClasses);
    }

    /**
     * Dumps {@code classes} (and the JDK's own list, so that nothing its default archive holds is missing) to a
     * temporary file, checks that the JVM maps it, and moves it into place. Returns the class count.
     */
    static int dump(Path jar, Set<String> trained, Path archive, Path work, String name) throws IOException, InterruptedException {
        Path java = java();
        Set<String> classes = new LinkedHashSet<>();
        Path jdkList = Path.of(System.getProperty("java.home"), "lib", "classlist");
        if (Files.isRegularFile(jdkList)) classes.addAll(lines(jdkList));
        classes.addAll(trained);
        Path merged = work.resolve("classes-" + name + "-all.lst");
        Files.write(merged, classes);

        Path tmp = archive.resolveSibling(archive.getFileName() + ".tmp");
        List<String> dump = new ArrayList<>(List.of(java.toString(), "-Xshare:dump", "-XX:SharedClassListFile=" + merged, "-XX:SharedArchiveFile=" + tmp));
        dump.addAll(JVM_OPTIONS);
        dump.addAll(List.of("-cp", jar.toString()));
        try {
            run(dump, work, Map.of(), 0, work.resolve("dump-" + name + ".log"));
            // -Xshare:on fails where bin/zed's -Xshare:auto would quietly go without: the archive must map as bin/zed runs
            List<String> check = new ArrayList<>(List.of(java.toString(), "-Xshare:on", "-XX:SharedArchiveFile=" + tmp));
            check.addAll(JVM_OPTIONS);
            check.addAll(List.of("-jar", jar.toString(), "--version"));
            run(check, work, Map.of(), 0, work.resolve("check-" + name + ".log"));
            Files.move(tmp, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return (int) classes.stream().filter(c -> !c.startsWith("@")).count();
    }

    private static Path java() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    static void run(List<String> cmd, Path dir, Map<String, String> env, int exit, Path log) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        // the stand-in node and the token in the training's home, never an operator's (a real node would get the training's levels)
        pb.environment().keySet().removeAll(List.of("ZED_NODE", "ZED_URL", "ZED_TOKEN"));
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd.subList(cmd.size() - Math.min(3, cmd.size()), cmd.size())) + " did not end within " + COMMAND_SECONDS + " s");
        }
        if (p.exitValue() != exit) {
            List<String> out = Files.readAllLines(log, StandardCharsets.UTF_8);
            throw new IOException(String.join(" ", cmd) + " exited " + p.exitValue() + ", not " + exit + ": "
                    + String.join(" | ", out.subList(Math.max(0, out.size() - 5), out.size())));
        }
    }

    /** A class list's entries: no comments, no blank lines. */
    static List<String> lines(Path list) throws IOException {
        try (Stream<String> s = Files.lines(list, StandardCharsets.UTF_8)) {
            return s.filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory left behind is no harm
        }
    }

    /** Writes the token file as the node does: the command line refuses one that others can read. */
    static void writeToken(Path home) throws IOException {
        Path token = home.resolve("api-token");
        Files.writeString(token, "7".repeat(64) + "\n");
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
    }
}
