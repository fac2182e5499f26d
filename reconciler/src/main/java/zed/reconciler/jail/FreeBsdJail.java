package zed.reconciler.jail;

import zed.reconciler.store.Command;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * FreeBSD jails with jail(8): one {@code <confDir>/<name>.conf} per jail ({@link JailConf} renders it), started with
 * {@code jail -f <conf> -c <name>}, removed with {@code jail -f <conf> -r <name>}, observed with jls ({@link Jls}).
 *
 * <p>The file on disk is what a running jail was started with: on a change the jail is removed first (with the
 * old file, so its exec.stop and mounts are the ones undone), then the file is replaced, then the jail is created.
 * So the hash of the file is the jail's confHash, and a hand edit shows up as drift.
 */
public final class FreeBsdJail implements JailDriver {
    static final String JAIL = "/usr/sbin/jail";
    static final String JLS = "/usr/sbin/jls";
    static final String JEXEC = "/usr/sbin/jexec";
    private static final Duration LIST = Duration.ofSeconds(15);
    /** exec.start runs /etc/rc, and exec.stop /etc/rc.shutdown: each may take a while. */
    private static final Duration START_STOP = Duration.ofMinutes(3);

    private final Run run;
    private final Path confDir;

    /** @param confDir where the .conf files go: /etc/jail.conf.d on a host */
    public FreeBsdJail(Command command, Path confDir) {
        this.run = new Run(command);
        this.confDir = confDir;
    }

    public Path confFile(String name) {
        return confDir.resolve(JailNames.check(name) + ".conf");
    }

    @Override
    public String render(JailSetup jail) {
        return JailConf.render(jail);
    }

    @Override
    public JailState ensure(JailSetup jail) {
        String name = jail.name();
        String text = render(jail);
        String hash = JailState.hashOf(text);
        JailState now = observe(name);
        if (now.running() && hash.equals(now.confHash())) return now;
        Path conf = confFile(name);
        if (now.running()) remove(name, conf);
        JailFiles.requireDirectory(name, jail.root(), "the jail root");
        for (JailSetup.HostMount m : jail.mounts()) {
            JailFiles.requireDirectory(name, m.host(), "the host directory of mount \"" + m.path() + "\",");
            // jail(8) mounts onto existing directories only
            JailFiles.mkdirsInside(name, jail.root(), m.path());
        }
        JailFiles.writeAtomically(name, conf, text);
        run.ok(name, START_STOP, List.of(JAIL, "-f", conf.toString(), "-c", name));
        JailState after = observe(name);
        if (!after.running()) throw new JailError(name, JailError.Kind.FAILED, "jail -c exited 0, but jls does not list the jail");
        return after;
    }

    @Override
    public JailState observe(String name) {
        JailNames.check(name);
        boolean running = listed(name);
        Optional<String> text = JailFiles.read(name, confFile(name));
        return new JailState(name, running, text.map(JailState::hashOf).orElse(null));
    }

    @Override
    public void stop(String name) {
        JailNames.check(name);
        if (!listed(name)) return;
        remove(name, confFile(name));
        if (listed(name)) throw new JailError(name, JailError.Kind.STILL_THERE, "jail -r exited 0, but jls still lists the jail");
    }

    /** {@code jexec <name> cmd...}: no -l, so the environment the caller sets reaches the command. */
    @Override
    public List<String> wrap(JailSetup jail, String workdir, List<String> cmd) {
        return Jexec.wrap(jail.name(), workdir, cmd);
    }

    private void remove(String name, Path conf) {
        List<String> argv = new ArrayList<>(List.of(JAIL));
        // without its file jail(8) still removes the jail by name, only without our exec.stop and unmounts
        if (Files.exists(conf)) argv.addAll(List.of("-f", conf.toString()));
        argv.addAll(List.of("-r", name));
        run.ok(name, START_STOP, argv);
    }

    private boolean listed(String name) {
        List<String> argv = new ArrayList<>(List.of(JLS));
        argv.addAll(Jls.ARGS);
        return Jls.lists(run.ok(name, LIST, argv).stdout(), name);
    }
}
