package zed.actors.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import zed.actors.boot.Accounts;
import zed.actors.boot.BootLayout;
import zed.actors.boot.BootPlan;
import zed.actors.boot.HostRoot;
import zed.actors.boot.Wanted;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "install", description = {"Sets this host up to run Zed at boot (root): the users zed (the agent) and zed-svc (services' default),",
        "/etc/zed, /var/lib/zed, /var/log/zed and /run/zed with their modes, /etc/zed/agent.conf (never overwritten once there),",
        "/etc/zed/ops.env (likewise), and the systemd units zed-ops.service and zed-agent.service (docs/install.md); on a host",
        "whose agent ran as root, the secrets' key moves to /etc/zed/secrets.key and /var/lib/zed becomes zed's. A second run changes nothing.",
        "It enables and starts nothing: systemctl enable --now zed-agent does."})
final class AgentInstallCommand implements Callable<Integer> {
    @Option(names = "--root", paramLabel = "DIR", description = "install into DIR as if it were / (its etc/passwd, its etc/systemd/system), e.g. an image being built")
    Path root = Path.of("/");

    @Option(names = "--zed", paramLabel = "PATH", description = "the zed launcher the units run, as the host sees it (default: this one, $ZED_LAUNCHER, less DIR when under it)")
    String launcher;

    @Override
    public Integer call() throws Exception {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (!os.contains("linux")) {
            System.err.println("zed agent install: only Linux with systemd is set up by this command; on " + System.getProperty("os.name")
                    + " follow docs/install.md (the tarball's share/zed/rc.d/zed_agent is FreeBSD's rc.d script)");
            return 2;
        }
        if (!Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"))) {
            System.err.println("zed agent install: run it as root: it adds users and owns files by them");
            return 1;
        }
        Path dir = root.toAbsolutePath().normalize();
        String zed = launcher(dir);
        if (zed == null) {
            System.err.println("zed agent install: which zed should the units run? Give --zed PATH (ZED_LAUNCHER, which bin/zed sets, is not set)");
            return 2;
        }
        List<Wanted> wanted;
        try {
            wanted = BootLayout.linux(zed);
        } catch (IllegalArgumentException e) {
            System.err.println("zed agent install: " + e.getMessage());
            return 2;
        }
        HostRoot host = new HostRoot(dir);
        if (!Files.isRegularFile(host.at(zed)) || !Files.isExecutable(host.at(zed))) {
            System.err.println("zed agent install: the units would run " + zed + ", which is no executable file" + (dir.equals(Path.of("/")) ? "" : " under " + dir) + "; nothing was changed");
            return 2;
        }
        String in = dir.equals(Path.of("/")) ? "" : " in " + dir;
        List<String> done = new ArrayList<>();
        // no method or lambda here names a class of zed.actors.boot: picocli reads this class's methods for zed --help
        // and zed completion, which must not load them (ClientClassesTest)
        java.util.function.Consumer<String> said = line -> {
            done.add(line);
            System.out.println(line);
        };
        // each change is said as it is made: a run that fails part way has said what it did, and the next run does the rest
        host.apply(BootPlan.accounts(wanted, host.accounts()), said);
        List<String> notes = new ArrayList<>();
        Accounts ids = host.accounts();
        host.apply(BootPlan.files(wanted, host::found, ids, notes), said);
        host.apply(BootPlan.trees(wanted, host::notOwned, ids), said);
        for (String n : notes) System.out.println(n);
        if (done.isEmpty()) {
            System.out.println("nothing to change" + in + ": the users, directories and units of zed " + Build.current().version() + " are in place");
        } else {
            System.out.println("installed" + in + "; the units run " + zed
                    + (dir.equals(Path.of("/")) ? "; name zed ops's managed roots in /etc/zed/ops.env (ZED_OPS_FLAGS=--root POOL/zed), then: "
                    + "systemctl daemon-reload && systemctl enable --now zed-agent" : ""));
        }
        return 0;
    }

    /** The launcher the units run: --zed, else the one this runs from, as the installed host will see it. */
    private String launcher(Path dir) {
        if (launcher != null) return launcher;
        String self = System.getenv("ZED_LAUNCHER");
        if (self == null || self.isEmpty()) return null;
        Path p = Path.of(self).toAbsolutePath().normalize();
        return p.startsWith(dir) ? "/" + dir.relativize(p) : p.toString();
    }
}
