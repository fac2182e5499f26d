package zed.actors.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

@Command(name = "events", description = "Follows the node's event stream, one JSON event per line, until interrupted.")
final class EventsCommand implements Callable<Integer> {
    @Option(names = "--level", paramLabel = "ID", description = "only this level's events")
    String level;

    @Option(names = "--host", paramLabel = "NAME", description = "only this host's events: its GPUs found, lost, or their driver changed")
    String host;

    @Option(names = "--after", paramLabel = "ID", description = "start after this event id (default: from the first event)")
    Long after;

    @Mixin
    NodeOptions nodeOptions;

    @Override
    public Integer call() throws Exception {
        if (level != null && host != null) {
            System.err.println("zed events: --level and --host name different events (a level's journal, a host's GPUs): give one");
            return 2;
        }
        NodeClient node = nodeOptions.client();
        if (!node.alive()) {
            System.err.println("zed: no node answers at " + node.base);
            return 1;
        }
        String q = level != null ? "?level=" + URLEncoder.encode(level, StandardCharsets.UTF_8)
                : host != null ? "?host=" + URLEncoder.encode(host, StandardCharsets.UTF_8) : "";
        try (HttpCall lines = node.stream("/v1/events" + q, after == null ? null : String.valueOf(after))) {
            for (String l; (l = lines.next()) != null; ) {
                if (!l.startsWith("data:") || l.length() <= 5) continue;
                System.out.println(l.substring(5).strip());
                System.out.flush();
            }
        } catch (IOException e) {
            System.err.println("zed events: " + e.getMessage());
            return 1;
        }
        return 0;
    }
}
