package zed.chaos.fault;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The chaos suite's scenarios at full count, each printing its row of docs/reliability.md and its failures; exits 1
 * when any invariant failed. {@code scripts/chaos.sh SCENARIO [key=value ...]} runs it.
 *
 * <pre>
 *   Chaos kill [rounds=50] [datasets=30] [seed=1]
 *   Chaos full [runs=10]
 *   Chaos zfs [runs=10]
 *   Chaos journal [runs=5] [seconds=30]
 *   Chaos soak [minutes=30] [datasets=200] [services=10] [seed=1] [kept=1000]
 * </pre>
 */
public final class Chaos {
    private Chaos() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) throw new IllegalArgumentException("usage: Chaos kill [key=value ...]");
        Map<String, Long> o = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            if (kv.length != 2) throw new IllegalArgumentException("not key=value: " + args[i]);
            o.put(kv[0], Long.parseLong(kv[1]));
        }
        Path bin = Path.of(System.getProperty("zed.bin", "bin/zed")).toAbsolutePath();
        System.out.printf("# %s on %d cores, %s, %s%n", args[0], Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                java.time.LocalDate.now());
        Outcome outcome = switch (args[0]) {
            case "kill" -> Scenarios.killDuringDeploy(bin, o.getOrDefault("rounds", 50L).intValue(), o.getOrDefault("datasets", 30L).intValue(),
                    o.getOrDefault("seed", 1L));
            case "full" -> Scenarios.poolFull(bin, o.getOrDefault("runs", 10L).intValue());
            case "zfs" -> Scenarios.zfsRestart(bin, o.getOrDefault("runs", 10L).intValue());
            case "journal" -> Scenarios.journalOutage(bin, o.getOrDefault("runs", 5L).intValue(), o.getOrDefault("seconds", 30L).intValue());
            case "soak" -> Scenarios.soak(bin, o.getOrDefault("minutes", 30L).intValue(), o.getOrDefault("datasets", 200L).intValue(),
                    o.getOrDefault("services", 10L).intValue(), o.getOrDefault("seed", 1L), o.getOrDefault("kept", 1000L).intValue());
            default -> throw new IllegalArgumentException("no scenario " + args[0]);
        };
        System.out.println(outcome);
        System.exit(outcome.failures().isEmpty() ? 0 : 1);
    }
}
