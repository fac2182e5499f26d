package zed.chaos.bench;

/**
 * The level the node benchmarks push: {@code datasets} flat datasets {@code d0..}, each declaring
 * {@code com.acme:tier = "gold"} and {@code compression = "on"}, and {@code services} exec services {@code s0..} (a
 * shell sleep loop, no health check) on the first datasets. {@code min_healthy_time = "0s"}: a service without checks
 * passes its gate once it has run for 1 s (HealthGate.ALIVE_WITHOUT_CHECKS), so that is the whole wait. Unmounted
 * datasets ({@code mountpoint = "none"}) read the same but are far quicker to make and remove on zfs-fuse (an unmount
 * there takes about half a second).
 */
final class BenchLevel {
    static final String TIER = "com.acme:tier";

    private BenchLevel() {
    }

    static String source(String name, String pool, int datasets, int services, boolean mounted) {
        StringBuilder b = new StringBuilder();
        b.append("level \"").append(name).append("\" {\n  pool = \"").append(pool).append("\"\n}\n");
        b.append("update {\n  min_healthy_time = \"0s\"\n}\n");
        for (int i = 0; i < datasets; i++) {
            b.append("dataset \"d").append(i).append("\" {\n").append(mounted ? "" : "  mountpoint = \"none\"\n").append("  properties = { \"").append(TIER).append("\" = \"gold\", \"compression\" = \"on\" }\n}\n");
        }
        for (int i = 0; i < services; i++) {
            b.append("service \"exec\" \"s").append(i).append("\" {\n  dataset = \"d").append(i % Math.max(1, datasets)).append("\"\n")
                    .append("  runtime { cmd = [\"/bin/sh\", \"-c\", \"while true; do sleep 1; done\"] }\n}\n");
        }
        return b.toString();
    }
}
