package zed.chaos;

import org.junit.jupiter.api.Assumptions;

/** What the chaos scenarios need of the machine: without it they fail in CI (which installs it) and skip elsewhere. */
final class ChaosNeeds {
    private ChaosNeeds() {
    }

    static void zfsPool() {
        if (System.getenv("ZED_TEST_POOL") != null) return;
        if ("1".equals(System.getenv("ZED_REQUIRE_ZFS"))) throw new AssertionError("ZED_REQUIRE_ZFS=1 but ZED_TEST_POOL is not set (scripts/test-pool.sh up)");
        Assumptions.abort("no zfs-fuse test pool (ZED_TEST_POOL)");
    }

    static void postgres() {
        if (System.getenv("ZED_TEST_POSTGRES_URL") != null) return;
        if ("1".equals(System.getenv("ZED_REQUIRE_POSTGRES"))) throw new AssertionError("ZED_REQUIRE_POSTGRES=1 but ZED_TEST_POSTGRES_URL is not set");
        Assumptions.abort("no PostgreSQL (ZED_TEST_POSTGRES_URL)");
    }
}
