package zed.actors.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "hosts", description = {"Lists the hosts of the cluster, as the node sees them: address, status, pool and its free space,",
        "GPUs and the levels each holds. The node that answered is marked *."})
public final class HostsCommand implements Callable<Integer> {
    @Option(names = "--format", paramLabel = "FORMAT", description = "table (default) or json (the node's answer as it is)")
    PlanCommand.Format format = PlanCommand.Format.table;

    @Mixin
    NodeOptions nodeOptions;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        NodeClient node = nodeOptions.client();
        NodeClient.Answer a = node.sendOrSay("GET", "/v1/hosts", null, err);
        if (a == null) return 1;
        if (a.body() == null || !a.body().path("hosts").isArray()) {
            err.println("zed: the node at " + node.base + " answered without a list of hosts");
            return 1;
        }
        out.print(format == PlanCommand.Format.json ? a.text().strip() + "\n" : table(a.body().get("hosts")));
        out.flush();
        return 0;
    }

    /** One row per host, then a line for each host's note (why its facts are missing). */
    static String table(JsonNode hosts) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[]{"NAME", "ADDRESS", "STATUS", "POOL", "FREE", "GPUS", "LEVELS"});
        List<String> notes = new ArrayList<>();
        for (JsonNode h : hosts) {
            String name = h.path("name").asText("?");
            // no facts: a missing pool or GPU list is not known, not absent
            boolean unknown = h.hasNonNull("note");
            if (unknown) notes.add("note: " + name + ": " + h.get("note").asText());
            JsonNode pool = h.path("pool");
            String poolName = pool.isObject() ? pool.path("name").asText() : unknown ? "?" : "-";
            String free = !pool.isObject() ? poolName
                    : pool.path("available").asBoolean(true) ? size(pool.path("free").asLong()) : "unavailable";
            rows.add(new String[]{name + (h.path("self").asBoolean() ? "*" : ""), h.path("address").asText("-"), h.path("status").asText("?"),
                    poolName, free, gpus(h.path("gpus"), unknown), levels(h.path("levels"))});
        }
        StringBuilder b = new StringBuilder(zed.reconciler.Columns.render(rows));
        for (String n : notes) b.append(n).append('\n');
        return b.toString();
    }

    /** "2 (160G)": how many, and their VRAM together; "-" for none, "?" when the host's facts are missing. */
    static String gpus(JsonNode gpus, boolean unknown) {
        if (gpus.isEmpty()) return unknown ? "?" : "-";
        long vram = 0;
        for (JsonNode g : gpus) vram += Math.max(0, g.path("vramTotal").asLong());
        return gpus.size() + (vram > 0 ? " (" + size(vram) + ")" : "");
    }

    static String levels(JsonNode levels) {
        List<String> ids = new ArrayList<>();
        for (JsonNode l : levels) ids.add(l.asText());
        return ids.isEmpty() ? "-" : String.join(",", ids);
    }

    private static final String UNITS = "BKMGTPE";

    /**
     * Bytes in binary units, short, as {@code zfs list} and {@code df -h} show them: 512B, 992M, 1.2G, 80G. One decimal
     * under 10 of a unit (none when it is a whole number), else whole numbers.
     */
    public static String size(long bytes) {
        if (bytes < 1024) return Math.max(0, bytes) + "B";
        int unit = 0;
        double v = bytes;
        while (v >= 1024 && unit < UNITS.length() - 1) {
            v /= 1024;
            unit++;
        }
        // 1023.7M shows as 1.0G, not 1024M
        if (Math.round(v) >= 1024 && unit < UNITS.length() - 1) {
            v /= 1024;
            unit++;
        }
        double tenths = Math.round(v * 10) / 10.0;
        String n = tenths < 10 && tenths != Math.rint(tenths) ? String.format(Locale.ROOT, "%.1f", tenths)
                : String.valueOf(Math.round(v));
        return n + UNITS.charAt(unit);
    }
}
