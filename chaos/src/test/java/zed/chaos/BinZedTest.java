package zed.chaos;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bin/zed} as an operator meets it after a {@code git pull}: it rebuilds when a source is newer than the jar,
 * says so in one line, and is silent otherwise; a class data sharing archive that does not fit, or is broken, or is
 * gone, never changes what a command prints or how it exits. Each test works on a copy of the repository (what git
 * tracks and does not ignore, and the built jars), so that no test rebuilds the jar under the developer's feet.
 */
class BinZedTest {
    static final Path REPO = ZedProcess.bin().getParent().getParent();
    static final String VALIDATED = "ok  shop  shop/Zedfile  1 dataset, 0 jails, 0 services  hash ";

    @TempDir
    Path tmp;
    Path copy;
    Path zed;
    Path jar;
    Path archive;
    Map<String, String> env;

    @BeforeEach
    void copyTheRepository() throws Exception {
        copy = tmp.resolve("repo");
        Process ls = new ProcessBuilder("git", "-C", REPO.toString(), "ls-files", "-z", "--cached", "--others", "--exclude-standard")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String files = new String(ls.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(ls.waitFor(60, TimeUnit.SECONDS) && ls.exitValue() == 0, "git ls-files in " + REPO);
        for (String f : files.split("\0")) {
            if (f.isEmpty() || !Files.isRegularFile(REPO.resolve(f))) continue; // deleted, not yet committed
            Path to = copy.resolve(f);
            Files.createDirectories(to.getParent());
            Files.copy(REPO.resolve(f), to, StandardCopyOption.COPY_ATTRIBUTES);
        }
        // the sources an hour old, the jars half an hour, the archive after them: a build as bin/zed leaves it
        Instant now = Instant.now();
        try (Stream<Path> all = Files.walk(copy)) {
            for (Path p : all.toList()) Files.setLastModifiedTime(p, FileTime.from(now.minus(Duration.ofHours(1))));
        }
        Path target = Files.createDirectories(copy.resolve("actors/target"));
        for (String built : List.of("zed.jar", "zed-cli.jar", "zed-cli.jsa")) {
            Files.copy(REPO.resolve("actors/target").resolve(built), target.resolve(built), StandardCopyOption.REPLACE_EXISTING);
        }
        jar = target.resolve("zed-cli.jar");
        archive = target.resolve("zed-cli.jsa");
        Files.setLastModifiedTime(target.resolve("zed.jar"), FileTime.from(now.minus(Duration.ofMinutes(30))));
        Files.setLastModifiedTime(jar, FileTime.from(now.minus(Duration.ofMinutes(30))));
        Files.setLastModifiedTime(archive, FileTime.from(now.minus(Duration.ofMinutes(20))));
        zed = copy.resolve("bin/zed");

        Files.createDirectories(tmp.resolve("work/shop"));
        Files.writeString(tmp.resolve("work/shop/Zedfile"), "level \"shop\" {}\ndataset \"data\" {}\n");
        env = Map.of("ZED_HOME", Files.createDirectories(tmp.resolve("home")).toString());
    }

    ZedProcess.Outcome validate(Path bin) throws Exception {
        return ZedProcess.run(bin, tmp.resolve("work"), env, Duration.ofSeconds(120), "validate", "shop");
    }

    void assertValidatedQuietly(ZedProcess.Outcome o, String why) {
        assertEquals(0, o.exit(), why + ": " + o);
        assertEquals("", o.err(), why + ": nothing on stderr: " + o);
        assertEquals(1, o.outLines().size(), why + ": " + o);
        assertTrue(o.out().startsWith(VALIDATED), why + ": " + o);
    }

    @Test
    void anArchiveThatDoesNotFitIsBrokenOrIsGoneChangesNothingThatACommandSays() throws Exception {
        // the copied archive was dumped for the repository's jar, at another path: it does not fit this one
        assertTrue(Files.getLastModifiedTime(archive).compareTo(Files.getLastModifiedTime(jar)) > 0, "bin/zed hands the archive to java");
        assertValidatedQuietly(validate(zed), "an archive of another jar");

        byte[] noise = new byte[64 * 1024];
        new Random(7).nextBytes(noise);
        Files.write(archive, noise);
        assertValidatedQuietly(validate(zed), "an archive of random bytes");

        Files.delete(archive);
        assertValidatedQuietly(validate(zed), "no archive");

        // zed agent starts from the node's own archive: a broken one changes nothing either
        Path agentArchive = archive.resolveSibling("zed-agent.jsa");
        Files.write(agentArchive, noise);
        assertTrue(Files.getLastModifiedTime(agentArchive).compareTo(Files.getLastModifiedTime(jar)) > 0, "bin/zed hands the node's archive to java");
        ZedProcess.Outcome agentHelp = ZedProcess.run(zed, tmp.resolve("work"), env, Duration.ofSeconds(120), "agent", "--help");
        assertEquals(0, agentHelp.exit(), agentHelp.toString());
        assertEquals("", agentHelp.err(), "nothing on stderr: " + agentHelp);
        assertTrue(agentHelp.out().contains("--listen"), agentHelp.toString());

        // from a symlink, in another directory: the repository is still the script's
        Path link = Files.createDirectories(tmp.resolve("elsewhere/bin")).resolve("zed");
        Files.createSymbolicLink(link, zed);
        assertValidatedQuietly(validate(link), "through a symlink");

        assertFalse(Files.exists(copy.resolve("actors/target/classes")), "nothing was built: the jar was newer than every source");
    }

    @Test
    void aChangedSourceRebuildsTheJarOnceWithOneLineAndThenNothingIsSaid() throws Exception {
        Path source = copy.resolve("actors/src/main/java/zed/actors/cli/ZedCommand.java");
        String before = "Keeps hosts in the state their Zedfiles declare.";
        String text = Files.readString(source);
        assertTrue(text.contains(before), source.toString());
        Files.writeString(source, text.replace(before, "Keeps hosts as their Zedfiles say, rebuilt."));

        // the command line's archive is under test, not the node's (every CI build trains that one): ZED_CDS_AGENT=0
        // leaves it out of this rebuild, ~35 s of a 90 s test
        Map<String, String> building = Map.of("ZED_HOME", env.get("ZED_HOME"), "ZED_CDS_AGENT", "0");
        ZedProcess.Outcome rebuilt = ZedProcess.run(zed, tmp.resolve("work"), building, Duration.ofMinutes(10), "--help");
        assertEquals(0, rebuilt.exit(), rebuilt.toString());
        assertEquals(List.of("zed: actors/src/main/java/zed/actors/cli/ZedCommand.java is newer than the jar; rebuilding"), rebuilt.errLines());
        assertTrue(rebuilt.out().contains("Keeps hosts as their Zedfiles say, rebuilt."), "the new code runs: " + rebuilt);
        assertTrue(Files.getLastModifiedTime(archive).compareTo(Files.getLastModifiedTime(jar)) > 0, "the build trained an archive for the new jar");

        // nothing changed since: not a word, and the new archive maps (-Xshare:on fails where it would not)
        ZedProcess.Outcome again = ZedProcess.run(zed, tmp.resolve("work"), Map.of("ZED_HOME", env.get("ZED_HOME"), "ZED_JAVA_OPTS", "-Xshare:on"),
                Duration.ofSeconds(120), "--help");
        assertEquals(0, again.exit(), again.toString());
        assertEquals("", again.err(), again.toString());
        assertEquals(rebuilt.out(), again.out());
    }
}
