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
        String path = a.body() == null ? "" : a.body().path("path").asText("");
        if (!path.startsWith("/ui/login?")) {
            err.println("zed: the node at " + node.base + " answered without a login link");
            err.flush();
            return 1;
        }
        String url = node.base.resolve(path).toString();
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
}
