package zed.reconciler.process;

import org.junit.jupiter.api.Test;
import zed.config.LevelSpec;
import zed.config.Pos;
import zed.config.Value;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EnvironmentTest {
    static LevelSpec.ServiceSpec service(Map<String, Value> env) {
        return new LevelSpec.ServiceSpec("exec", "web", null, null, null, Map.of(), env, List.of(), LevelSpec.Runtime.NONE,
                LevelSpec.RestartPolicy.DEFAULT, List.of(), null, List.of(), null, null, null, null, "/srv", new Pos("Zedfile", 1, 1));
    }

    static LevelSpec level(List<String> sysenv) {
        return new LevelSpec("shop", "shop", null, "Zedfile", "/", null, null, sysenv, LevelSpec.SnapshotPolicy.DEFAULT,
                LevelSpec.UpdatePolicy.DEFAULT, List.of(), List.of(), List.of(), List.of(), List.of(), "0", new Pos("Zedfile", 1, 1));
    }

    @Test
    void onlyTheWhitelistTheLevelsSysenvAndTheServicesEnvGetIn() {
        Map<String, String> host = Map.of("PATH", "/bin", "HOME", "/root", "SSH_AUTH_SOCK", "/tmp/agent", "AWS_SECRET_ACCESS_KEY", "nope", "TZ", "UTC");
        Map<String, String> env = Environment.of(level(List.of("SSH_AUTH_SOCK")),
                service(Map.of("PORT", new Value.Str("8080"), "TOKEN", new Value.Secret(List.of("Bearer ", new Value.SecretRef("api", null))))),
                host::get, ref -> "s3cr3t");
        assertEquals(Map.of("PATH", "/bin", "HOME", "/root", "TZ", "UTC", "SSH_AUTH_SOCK", "/tmp/agent", "PORT", "8080", "TOKEN", "Bearer s3cr3t"), env);
    }

    @Test
    void aLaunchNeverPrintsItsEnvironment() {
        Launch l = new Launch("service.exec.web", List.of("web"), Map.of("TOKEN", "s3cr3t"), java.nio.file.Path.of("/"), java.nio.file.Path.of("/tmp"));
        assertEquals(false, l.toString().contains("s3cr3t"));
    }
}
