package zed.reconciler.service;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.config.LevelSpec.ServiceSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ExecKindTest {
    @TempDir
    Path tmp;
    Path home;
    Path state;

    @BeforeEach
    void dirs() throws IOException {
        home = Files.createDirectories(tmp.resolve("srv/web"));
        state = Files.createDirectories(tmp.resolve("state"));
    }

    @Test
    void runsTheCommandAsGivenInTheHome() {
        ServiceSpec web = ServiceSpecs.exec("web", home, "/bin/sh", "-c", "echo hi");
        Prepared p = Artifacts.prepare(web, Paths.of(web, state));
        assertEquals(List.of("/bin/sh", "-c", "echo hi"), p.argv());
        assertEquals(home, p.workdir());
        assertNull(p.sourceRevision(), "nothing is built for an exec service");
        assertEquals("hi\n", Processes.ok(p.workdir(), p.argv().toArray(String[]::new)));
    }

    @Test
    void findsABareNameOnPath() {
        ServiceSpec web = ServiceSpecs.exec("web", home, "sh", "-c", "echo hi");
        Prepared p = Artifacts.prepare(web, Paths.of(web, state), Map.of("PATH", "/nonexistent:/usr/bin:/bin"));
        assertEquals(List.of("sh", "-c", "echo hi"), p.argv(), "kept as written: the supervisor finds it the same way");
    }

    @Test
    void aMissingBinaryIsAnErrorNamingTheServiceAndLeavesNothingBehind() throws IOException {
        ServiceSpec web = ServiceSpecs.exec("web", home, "/nope/web", "--port", "80");
        ServiceError e = assertThrows(ServiceError.class, () -> Artifacts.prepare(web, Paths.of(web, state)));
        assertEquals("service.exec.web: runtime.cmd[0] \"/nope/web\" does not exist", e.getMessage());
        assertEquals("service.exec.web", e.service());
        assertEquals(List.of(), Tree.entries(home), "nothing written in the home");
        assertEquals(List.of(), Tree.entries(state), "nothing written in the state");
    }

    @Test
    void aNameNotOnPathIsAnErrorThatShowsThePath() {
        ServiceSpec web = ServiceSpecs.exec("web", home, "nope-web");
        ServiceError e = assertThrows(ServiceError.class, () -> Artifacts.prepare(web, Paths.of(web, state), Map.of("PATH", "/usr/bin:/bin")));
        assertEquals("service.exec.web: runtime.cmd[0] \"nope-web\" is not on PATH (/usr/bin:/bin)", e.getMessage());
    }

    @Test
    void aRelativePathIsTheHomes() throws IOException {
        Path script = home.resolve("run.sh");
        Files.writeString(script, "#!/bin/sh\necho started in $(pwd)\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        ServiceSpec web = ServiceSpecs.exec("web", home, "./run.sh");
        Prepared p = Artifacts.prepare(web, Paths.of(web, state));
        assertEquals("started in " + home + "\n", Processes.ok(p.workdir(), p.argv().toArray(String[]::new)));

        ServiceSpec missing = ServiceSpecs.exec("web", home, "./gone.sh");
        ServiceError e = assertThrows(ServiceError.class, () -> Artifacts.prepare(missing, Paths.of(missing, state)));
        assertEquals("service.exec.web: runtime.cmd[0] \"./gone.sh\" does not exist (looked in " + home + ")", e.getMessage());
    }

    @Test
    void aFileThatCannotRunIsAnError() throws IOException {
        Path notes = Files.writeString(home.resolve("notes.txt"), "not a program\n");
        ServiceSpec web = ServiceSpecs.exec("web", home, notes.toString());
        ServiceError e = assertThrows(ServiceError.class, () -> Artifacts.prepare(web, Paths.of(web, state)));
        assertEquals("service.exec.web: runtime.cmd[0] \"" + notes + "\" is not an executable file", e.getMessage());

        ServiceSpec dir = ServiceSpecs.exec("web", home, "/tmp");
        e = assertThrows(ServiceError.class, () -> Artifacts.prepare(dir, Paths.of(dir, state)));
        assertEquals("service.exec.web: runtime.cmd[0] \"/tmp\" is not an executable file", e.getMessage());
    }

    @Test
    void aJailedCommandIsTheJailsNotTheHosts() {
        ServiceSpec web = ServiceSpecs.jailedExec("web", home, "/usr/local/bin/only-in-the-jail");
        Prepared p = Artifacts.prepare(web, Paths.of(web, state));
        assertEquals(List.of("/usr/local/bin/only-in-the-jail"), p.argv());
    }

    @Test
    void anEmptyCommandIsAnError() {
        ServiceSpec web = ServiceSpecs.exec("web", home);
        ServiceError e = assertThrows(ServiceError.class, () -> Artifacts.prepare(web, Paths.of(web, state)));
        assertEquals("service.exec.web: runtime.cmd is empty; an exec service runs the command given there", e.getMessage());
    }

    @Test
    void pathsFollowTheLevelLayout() {
        ServiceSpec web = ServiceSpecs.exec("web", home, "/bin/sh");
        assertEquals(new Paths(home, state, state.resolve("bin"), state.resolve("src/web")), Paths.of(web, state));
    }

    @Test
    void anUnknownKindIsAnError() {
        ServiceSpec odd = ServiceSpecs.exec("web", home, "/bin/sh");
        ServiceSpec cron = new ServiceSpec("cron", odd.name(), odd.dataset(), odd.jail(), odd.version(), odd.vars(), odd.env(), odd.files(),
                odd.runtime(), odd.restart(), odd.health(), odd.print(), odd.sudo(), odd.release(), odd.jar(), odd.git(), odd.src(), odd.dir(), odd.pos());
        ServiceError e = assertThrows(ServiceError.class, () -> Artifacts.prepare(cron, Paths.of(cron, state)));
        assertEquals("service.cron.web: unknown service kind \"cron\"; kinds are exec, release, go and jar", e.getMessage());
    }
}
