package zed.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code zed plan} as a user runs it: against the dir store, and against a real zfs-fuse pool. It changes nothing. */
class PlanCliTest {
    @TempDir
    Path tmp;
    Path project;
    Map<String, String> env;

    @BeforeEach
    void setUp() throws Exception {
        project = Files.createDirectories(tmp.resolve("shop"));
        env = Map.of("ZED_HOME", tmp.resolve("home").toString());
        Files.writeString(project.resolve("Zedfile"), """
                level "shop" {}
                dataset "apps/web" {
                  properties = { compression = "on", quota = "1G" }
                }
                dataset "db" {}
                """);
    }

    @Test
    void planAgainstTheDirStoreIsATableAndChangesNothing() throws Exception {
        ZedProcess.Outcome o = ZedProcess.run(project, env, "plan");
        assertEquals(0, o.exit(), o.toString());
        assertEquals(List.of(
                "level shop  dir  revision 1",
                "  + apps      create (container)",
                "  + db        create",
                "  + apps/web  create  compression=on quota=1G",
                "3 to change, 0 unchanged"), o.outLines());
        assertFalse(Files.exists(tmp.resolve("home/store/db")), "plan changes nothing");
    }

    @Test
    void planAsJsonListsTheSteps() throws Exception {
        ZedProcess.Outcome o = ZedProcess.run(tmp, env, "plan", "shop", "--format", "json", "--dir-store", tmp.resolve("store").toString());
        assertEquals(0, o.exit(), o.toString());
        JsonNode plan = new ObjectMapper().readTree(o.out());
        assertEquals("shop", plan.get("level").asText());
        assertEquals(List.of("create-container", "create", "create"), plan.get("steps").findValuesAsText("op"));
        assertEquals("true", plan.get("steps").get(1).get("stamp").get("com.zed:managed").asText());
    }

    @Test
    void planAgainstAPoolRefusesADatasetZedDoesNotManage() throws Exception {
        String pool = System.getenv("ZED_TEST_POOL");
        if (pool == null || pool.isEmpty()) {
            if ("1".equals(System.getenv("ZED_REQUIRE_ZFS"))) throw new AssertionError("ZED_REQUIRE_ZFS=1 but ZED_TEST_POOL is not set");
            Assumptions.assumeTrue(false, "no ZFS test pool");
        }
        String root = pool + "/p" + UUID.randomUUID().toString().substring(0, 8);
        zfs("create", root);
        zfs("create", root + "/db");
        try {
            ZedProcess.Outcome o = ZedProcess.run(project, env, "plan", "--pool", root);
            assertEquals(0, o.exit(), o.toString());
            assertTrue(o.out().contains("+ " + root + "/apps/web  create  compression=on quota=1G"), o.out());
            assertTrue(o.out().contains("! " + root + "/db") && o.out().contains("refused: exists and is not managed by Zed"), o.out());
            assertEquals(1, zfs("list", "-H", "-o", "name", "-r", root).trim().lines().count() - 1, "only db: plan created nothing");
        } finally {
            zfs("unmount", root + "/db");
            zfs("destroy", root + "/db");
            zfs("unmount", root);
            zfs("destroy", root);
        }
    }

    private static String zfs(String... args) throws Exception {
        List<String> argv = new java.util.ArrayList<>(List.of("zfs"));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS)) throw new AssertionError("zfs " + String.join(" ", args) + " hung");
        return out;
    }
}
