package zed.reconciler.service;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.config.LevelSpec.ServiceSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JarKindTest {
    /** The java running these tests: a real JDK, wherever this machine keeps it. */
    static final Path JAVA_HOME = Path.of(System.getProperty("java.home"));

    @TempDir
    Path tmp;
    Path home;
    Path state;

    @BeforeEach
    void dirs() throws IOException {
        home = Files.createDirectories(tmp.resolve("srv/api"));
        state = Files.createDirectories(tmp.resolve("state"));
    }

    private Prepared prepare(ServiceSpec spec, Map<String, String> host) {
        return Artifacts.prepare(spec, Paths.of(spec, state), host);
    }

    private static String run(Prepared p) {
        return Processes.ok(p.workdir(), p.argv().toArray(String[]::new));
    }

    @Test
    void runsTheJarWithJavaFromJavaHome() throws IOException {
        Path jar = Jars.make(tmp, "api.jar", "hello from the jar", true);
        Prepared p = prepare(ServiceSpecs.jar("api", home, jar), Map.of("JAVA_HOME", JAVA_HOME.toString(), "PATH", "/nonexistent"));

        assertEquals(List.of(JAVA_HOME.resolve("bin/java").toString(), "-jar", jar.toString()), p.argv());
        assertEquals(home, p.workdir());
        assertEquals("hello from the jar\n", run(p));
        assertEquals(Processes.ok(tmp, "sha256sum", jar.toString()).split(" ")[0], p.sourceRevision());
    }

    @Test
    void withoutJavaHomeJavaComesFromPath() throws IOException {
        Path jar = Jars.make(tmp, "api.jar", "hello from the jar", true);
        Prepared p = prepare(ServiceSpecs.jar("api", home, jar), Map.of("PATH", "/nonexistent:" + JAVA_HOME.resolve("bin")));
        assertEquals(JAVA_HOME.resolve("bin/java").toString(), p.argv().get(0));
        assertEquals("hello from the jar\n", run(p));
    }

    @Test
    void noJavaAnywhereIsAnError() throws IOException {
        Path jar = Jars.make(tmp, "api.jar", "hello", true);
        ServiceError e = assertThrows(ServiceError.class, () -> prepare(ServiceSpecs.jar("api", home, jar), Map.of("PATH", "/nonexistent")));
        assertEquals("service.jar.api: java is needed to run the jar but JAVA_HOME is not set and java is not on PATH (/nonexistent)", e.getMessage());
    }

    @Test
    void aJavaHomeWithoutJavaIsAnErrorNotAHintToLookElsewhere() throws IOException {
        Path jar = Jars.make(tmp, "api.jar", "hello", true);
        ServiceError e = assertThrows(ServiceError.class, () -> prepare(ServiceSpecs.jar("api", home, jar),
                Map.of("JAVA_HOME", tmp.toString(), "PATH", JAVA_HOME.resolve("bin").toString())));
        assertEquals("service.jar.api: JAVA_HOME is " + tmp + " but " + tmp.resolve("bin/java") + " does not exist", e.getMessage());
    }

    @Test
    void runtimeCmdReplacesJavaDashJar() throws IOException {
        Path jar = Jars.make(tmp, "api.jar", "hello via the classpath: ", false);
        String java = JAVA_HOME.resolve("bin/java").toString();
        Prepared p = prepare(ServiceSpecs.jar("api", home, jar, java, "-cp", jar.toString(), "Hello", "a", "b"), Map.of("PATH", "/nonexistent"));
        assertEquals(List.of(java, "-cp", jar.toString(), "Hello", "a", "b"), p.argv());
        assertEquals("hello via the classpath: a b\n", run(p));
    }

    @Test
    void aRebuiltJarIsANewRevision() throws IOException {
        Map<String, String> host = Map.of("JAVA_HOME", JAVA_HOME.toString());
        ServiceSpec api = ServiceSpecs.jar("api", home, Jars.make(tmp, "api.jar", "one", true));
        Prepared first = prepare(api, host);
        assertEquals(first, prepare(api, host), "the same jar: the same revision");
        Jars.make(tmp, "api.jar", "two", true);
        Prepared second = prepare(api, host);
        assertNotEquals(first.sourceRevision(), second.sourceRevision());
        assertEquals("two\n", run(second));
    }

    @Test
    void aMissingJarIsAnError() {
        Path jar = tmp.resolve("gone.jar");
        ServiceError e = assertThrows(ServiceError.class, () -> prepare(ServiceSpecs.jar("api", home, jar), Map.of("JAVA_HOME", JAVA_HOME.toString())));
        assertEquals("service.jar.api: jar " + jar + " does not exist", e.getMessage());
    }

    @Test
    void aFileThatIsNotAJarIsAnError() throws IOException {
        Path jar = Files.writeString(tmp.resolve("api.jar"), "not a zip\n");
        ServiceError e = assertThrows(ServiceError.class, () -> prepare(ServiceSpecs.jar("api", home, jar), Map.of("JAVA_HOME", JAVA_HOME.toString())));
        assertTrue(e.getMessage().startsWith("service.jar.api: jar " + jar + " is not a jar file ("), e.getMessage());
    }

    @Test
    void aJarWithoutMainClassNeedsRuntimeCmd() throws IOException {
        Path jar = Jars.make(tmp, "lib.jar", "hello", false);
        ServiceError e = assertThrows(ServiceError.class, () -> prepare(ServiceSpecs.jar("api", home, jar), Map.of("JAVA_HOME", JAVA_HOME.toString())));
        assertEquals("service.jar.api: jar " + jar + " has no Main-Class in its manifest, so java -jar cannot run it; "
                + "set runtime.cmd, e.g. [\"java\", \"-cp\", \"" + jar + "\", \"com.example.Main\"]", e.getMessage());
    }
}
