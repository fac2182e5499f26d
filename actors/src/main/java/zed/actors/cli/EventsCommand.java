package zed.actors.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

@Command(name = "events", description = "Follows the node's event stream, one JSON event per line, until interrupted.")
final class EventsCommand implements Callable<Integer> {
    @Option(names = "--level", paramLabel = "ID", description = "only this level's events")
    String level;

    @Option(names = "--after", paramLabel = "ID", description = "start after this event id (default: from the first event)")
    Long after;

    @Override
    public Integer call() throws Exception {
        NodeClient node = new NodeClient(ZedCommand.zedHome());
        if (!node.alive()) {
            System.err.println("zed: no node answers at " + node.base);
            return 1;
        }
        String q = level == null ? "" : "?level=" + URLEncoder.encode(level, StandardCharsets.UTF_8);
        var req = node.request("/v1/events" + q).timeout(java.time.Duration.ofDays(365));
        if (after != null) req.header("Last-Event-ID", String.valueOf(after));
        HttpResponse<Stream<String>> r = node.http().send(req.GET().build(), HttpResponse.BodyHandlers.ofLines());
        if (r.statusCode() != 200) {
            System.err.println("zed events: HTTP " + r.statusCode());
            return 1;
        }
        r.body().filter(l -> l.startsWith("data:") && l.length() > 5).forEach(l -> {
            System.out.println(l.substring(5).strip());
            System.out.flush();
        });
        return 0;
    }
}
