package zed.reconciler.process;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The part of a start that runs as root (setpriv) sees no loader variable; the shell after the drop restores them. */
class LoaderVariablesTest {
    final RunAs as = new RunAs("www", 1001, "www", 1001, List.of(1001L), "/home/www");

    @Test
    void loaderVariablesCrossTheRootPartUnderOtherNames() throws Exception {
        Spawn s = new Spawn(List.of("/usr/bin/env"), Map.of("LD_PRELOAD", "/tmp/x.so", "GCONV_PATH", "/tmp", "PATH", "/usr/bin"),
                Path.of("/srv"), Path.of("/tmp/o"), Path.of("/tmp/e"), as);
        Map<String, String> env = s.envp();
        assertFalse(env.keySet().stream().anyMatch(LoaderVariables::unsafe), env.toString());
        assertEquals("/tmp/x.so", env.get("ZED_ENV_LD_PRELOAD"));
        assertEquals("GCONV_PATH LD_PRELOAD", env.get(LoaderVariables.MOVED));
        List<String> argv = s.command(env);
        assertTrue(argv.get(0).endsWith("setpriv"), argv.toString());
        int sh = argv.indexOf("-c") + 1;
        assertTrue(argv.get(sh).startsWith(LoaderVariables.RESTORE), "the shell, as the user, restores them first: " + argv.get(sh));
        assertEquals("/usr/bin/env", argv.get(argv.size() - 1));
    }

    @Test
    void withoutADropNothingMoves() throws Exception {
        Spawn s = new Spawn(List.of("/usr/bin/env"), Map.of("LD_PRELOAD", "/tmp/x.so"), null, Path.of("/tmp/o"), Path.of("/tmp/e"), null);
        assertEquals(Map.of("LD_PRELOAD", "/tmp/x.so"), s.envp());
        assertEquals(List.of("/usr/bin/env"), s.command(s.envp()));
    }
}
