package zed.actors.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "login", description = {"Asks the node for a one-time login link to its dashboard and prints it, as a URL and as a QR code.",
        "The link works once, for 120 seconds, and opens a session of this token's scope (a read token's is read-only) for 8 hours.",
        "A node makes at most 5 links a minute."})
final class UiLoginCommand implements Callable<Integer> {
    @Option(names = "--no-qr", description = "print the URL only")
    boolean noQr;

    @Mixin
    NodeOptions nodeOptions;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        NodeClient node = nodeOptions.client();
        NodeClient.Answer a = node.sendOrSay("POST", "/v1/ui/links", Map.of(), err);
        if (a == null) return 1;
        String url = url(node, a);
        if (url == null) {
            err.println("zed: the node at " + node.base + " answered without a login link");
            err.flush();
            return 1;
        }
        out.println("Open this link within " + a.body().path("validSeconds").asLong() + " seconds to log in to the dashboard (it works once; scope "
                + a.body().path("scope").asText() + "):");
        out.println();
        out.println("  " + url);
        if (!noQr) {
            out.println();
            out.print(TerminalQr.render(url));
        }
        out.flush();
        return 0;
    }

    /** The link in the node's answer, on the node's address as this command line names it; null when there is none. */
    private static String url(NodeClient node, NodeClient.Answer a) {
        String path = a.body() == null ? "" : a.body().path("path").asText("");
        return path.startsWith("/ui/login?") ? node.base.resolve(path).toString() : null;
    }

    /**
     * The line {@code zed up} ends with: a login link to the dashboard, or, when the node makes none now (its limit of
     * links a minute, a token that may not), where the dashboard is and how to log in.
     */
    static String dashboardLine(NodeClient node) {
        try {
            NodeClient.Answer a = node.send("POST", "/v1/ui/links", Map.of());
            String url = a.ok() ? url(node, a) : null;
            if (url != null) return "dashboard: " + url + "  (a login link: it works once, within " + a.body().path("validSeconds").asLong() + " s; zed ui login makes another)";
        } catch (java.io.IOException e) {
            // the line below says how to get one
        }
        return "dashboard: " + node.base.resolve("/ui") + "  (log in with a link from zed ui login)";
    }
}
