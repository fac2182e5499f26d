package zed.reconciler.jail;

import zed.reconciler.store.Command;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * FreeBSD jails that Bastille manages: {@code bastille create, start, stop, cmd, mount, umount, config, list,
 * destroy}. Bastille keeps the jail's root under its own prefix, so the jail dataset's mountpoint is not the root
 * here (the dataset still carries the jail's stamps); the mount blocks are nullfs mounts made with
 * {@code bastille mount}. Hostname and params go in with {@code bastille config <name> set}.
 *
 * <p>Every call checks the name first ({@code ^[A-Za-z0-9_-]+$}) and runs nothing for a bad one. Names that
 * {@code bastille destroy} would take for a release ({@code 14.2-RELEASE}, {@code Debian12}) are refused as well:
 * destroying such a "jail" would delete a release that every thin jail stands on.
 *
 * <p>Bastille has no place for Zed's own record, so what Zed asked for ({@link BastilleSpec#text}) is kept in
 * {@code <stateDir>/<name>.bastille}; its hash is the jail's confHash. A jail Bastille lists but Zed has no record of
 * is not Zed's, and is not changed (NOT_MANAGED). A changed spec is applied in place (mounts, hostname, params)
 * and the jail restarted; a changed release, vnet or ip is refused, as Bastille cannot change those in place.
 */
public final class BastilleJail implements JailDriver {
    static final String BASTILLE = "/usr/local/bin/bastille";
    private static final Duration CREATE = Duration.ofMinutes(10);
    private static final Duration START_STOP = Duration.ofMinutes(3);
    private static final Duration QUICK = Duration.ofSeconds(60);
    private static final Pattern RELEASE_LIKE = Pattern.compile(
            "(?i).*-(current|release)(-i386)?|.*-(rc|beta)[1-9]|.*-stable-(last|build-.*)|current-build-.*|ubuntu_\\d{4}|debian\\d+");

    private final Run run;
    private final Path stateDir;
    private final String release;
    private final String vnetInterface;

    /**
     * @param release       the FreeBSD release new jails are made from (bootstrapped already), e.g. "14.2-RELEASE"
     * @param vnetInterface the host interface or bridge that vnet jails attach to; null where there is none
     */
    public BastilleJail(Command command, Path stateDir, String release, String vnetInterface) {
        if (release == null || !release.matches("[A-Za-z0-9._-]+")) throw new IllegalArgumentException("Bastille needs a release to make jails from, such as 14.2-RELEASE, not " + release);
        this.run = new Run(command);
        this.stateDir = stateDir;
        this.release = release;
        this.vnetInterface = vnetInterface;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // JailDriver

    @Override
    public String render(JailSetup jail) {
        name(jail.name());
        return BastilleSpec.of(jail, release).text(jail.name());
    }

    @Override
    public JailState ensure(JailSetup jail) {
        String name = name(jail.name());
        BastilleSpec want = BastilleSpec.of(jail, release);
        if (want.vnet() && vnetInterface == null) {
            throw new JailError(name, JailError.Kind.INVALID, "vnet = true, but no interface for vnet jails is configured for Bastille");
        }
        String text = want.text(name);
        BastilleList.Entry entry = listing(name).get(name);
        Optional<String> had = JailFiles.read(name, stateFile(name));
        if (entry == null) {
            create(name, want.release(), want.ip(), want.vnet());
            for (JailSetup.HostMount m : want.mounts()) mount(name, m);
            configure(name, null, want);
            JailFiles.writeAtomically(name, stateFile(name), text);
            // config changes apply at the next start, and Bastille may have started the new jail already
            stop(name);
            start(name);
        } else if (had.isEmpty()) {
            throw new JailError(name, JailError.Kind.NOT_MANAGED, "Bastille has a jail of this name, but Zed did not make it; destroy it or rename the jail");
        } else if (had.get().equals(text)) {
            if (!entry.running()) start(name);
        } else {
            BastilleSpec was = BastilleSpec.parse(had.get());
            if (was == null) throw new JailError(name, JailError.Kind.NOT_MANAGED, stateFile(name) + " is not Zed's record of the jail");
            refuseInPlace(name, "release", was.release(), want.release());
            refuseInPlace(name, "vnet", was.vnet(), want.vnet());
            refuseInPlace(name, "ip", was.ip(), want.ip());
            if (entry.running()) stop(name);
            for (JailSetup.HostMount m : was.mounts()) if (!want.mounts().contains(m)) umount(name, m.path());
            for (JailSetup.HostMount m : want.mounts()) if (!was.mounts().contains(m)) mount(name, m);
            configure(name, was, want);
            JailFiles.writeAtomically(name, stateFile(name), text);
            start(name);
        }
        if (!listing(name).getOrDefault(name, new BastilleList.Entry(name, false)).running()) {
            throw new JailError(name, JailError.Kind.FAILED, "bastille start exited 0, but bastille list does not show the jail Up");
        }
        return new JailState(name, true, JailState.hashOf(text));
    }

    @Override
    public JailState observe(String name) {
        name(name);
        BastilleList.Entry entry = listing(name).get(name);
        if (entry == null) return JailState.absent(name);
        return new JailState(name, entry.running(), JailFiles.read(name, stateFile(name)).map(JailState::hashOf).orElse(null));
    }

    /** {@code bastille stop <name>}, then checks with list that the jail is no longer Up. */
    @Override
    public void stop(String name) {
        name(name);
        BastilleList.Entry entry = listing(name).get(name);
        if (entry == null || !entry.running()) return;
        run.ok(name, START_STOP, List.of(BASTILLE, "stop", name));
        BastilleList.Entry after = listing(name).get(name);
        if (after != null && after.running()) throw new JailError(name, JailError.Kind.STILL_THERE, "bastille stop exited 0, but bastille list shows the jail Up");
    }

    /**
     * {@code jexec <name> cmd...}: Bastille names its jails after themselves. Not {@code bastille cmd}, which clears
     * the environment (jexec -l) and decorates the output; that one is {@link #cmd}, for one-off commands.
     */
    @Override
    public List<String> wrap(JailSetup jail, String workdir, List<String> cmd) {
        name(jail.name());
        return Jexec.wrap(jail.name(), workdir, cmd);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Bastille's verbs

    /** {@code bastille create [-V] <name> <release> <ip> [<interface>]}. */
    public void create(String name, String release, String ip, boolean vnet) {
        name(name);
        List<String> argv = new ArrayList<>(List.of(BASTILLE, "create"));
        if (vnet) argv.add("-V");
        argv.addAll(List.of(name, release, ip));
        if (vnet) argv.add(Objects.requireNonNull(vnetInterface, "vnet interface"));
        run.ok(name, CREATE, argv);
    }

    /** {@code bastille start <name>}. */
    public void start(String name) {
        name(name);
        run.ok(name, START_STOP, List.of(BASTILLE, "start", name));
    }

    /** {@code bastille cmd <name> <cmd...>}: whatever it said and its exit status; a non-zero status is not an error here. */
    public Command.Result cmd(String name, List<String> command, Duration timeout) {
        name(name);
        if (command.isEmpty()) throw new JailError(name, JailError.Kind.INVALID, "no command to run");
        List<String> argv = new ArrayList<>(List.of(BASTILLE, "cmd", name));
        argv.addAll(command);
        return run.any(name, timeout, argv);
    }

    /** {@code bastille mount <name> <host_path> <jail_path> nullfs rw|ro 0 0}. */
    public void mount(String name, JailSetup.HostMount m) {
        name(name);
        run.ok(name, QUICK, List.of(BASTILLE, "mount", name, m.host().toString(), m.path(), "nullfs", m.mode().word(), "0", "0"));
    }

    /** {@code bastille umount <name> <jail_path>}. */
    public void umount(String name, String jailPath) {
        name(name);
        run.ok(name, QUICK, List.of(BASTILLE, "umount", name, jailPath));
    }

    /** Every jail Bastille lists, by name: whether it is Up. */
    public Map<String, Boolean> list() {
        Map<String, Boolean> out = new LinkedHashMap<>();
        listing("*").forEach((n, e) -> out.put(n, e.running()));
        return out;
    }

    /**
     * Stops the jail if it runs, {@code bastille destroy <name>}, then lists again: Bastille reports some refusals
     * (a running jail, filesystems still mounted in it) and carries on with exit status 0, so only the list tells
     * whether the jail went away. Destroying a jail that is not there does nothing.
     */
    public void destroy(String name) {
        name(name);
        BastilleList.Entry entry = listing(name).get(name);
        if (entry == null) {
            JailFiles.delete(name, stateFile(name));
            return;
        }
        if (entry.running()) stop(name);
        Command.Result r = run.any(name, START_STOP, List.of(BASTILLE, "destroy", name));
        if (listing(name).containsKey(name)) {
            throw new JailError(name, JailError.Kind.STILL_THERE, "bastille destroy exited " + r.exit() + ", but bastille list still shows the jail"
                    + (Run.said(r).isEmpty() ? "" : "; it said: " + Run.said(r)));
        }
        JailFiles.delete(name, stateFile(name));
    }

    // ---------------------------------------------------------------------------------------------------------------

    private void configure(String name, BastilleSpec was, BastilleSpec want) {
        if (was == null || !was.hostname().equals(want.hostname())) config(name, "set", "host.hostname", want.hostname());
        if (was != null) {
            for (String k : was.params().keySet()) if (!want.params().containsKey(k)) config(name, "remove", k, null);
        }
        want.params().forEach((k, v) -> {
            if (was == null || !v.equals(was.params().get(k))) config(name, "set", k, v);
        });
    }

    private void config(String name, String action, String property, String value) {
        List<String> argv = new ArrayList<>(List.of(BASTILLE, "config", name, action, property));
        if (value != null) argv.add(value);
        run.ok(name, QUICK, argv);
    }

    private static void refuseInPlace(String name, String what, Object was, Object want) {
        if (!was.equals(want)) {
            throw new JailError(name, JailError.Kind.INVALID, what + " changed from " + was + " to " + want
                    + "; Bastille cannot change it in place: destroy the jail to have it made again");
        }
    }

    private Map<String, BastilleList.Entry> listing(String jail) {
        Command.Result r = run.any(jail, QUICK, List.of(BASTILLE, "list"));
        if (!r.ok()) {
            // with no jail at all, Bastille 1.x exits 1 saying "there are no jails here"
            if ((r.stdout() + r.stderr()).contains("no jails")) return Map.of();
            throw new JailError(jail, JailError.Kind.FAILED, "bastille list exited " + r.exit() + ": " + Run.said(r));
        }
        return BastilleList.parse(r.stdout());
    }

    private Path stateFile(String name) {
        return stateDir.resolve(name + ".bastille");
    }

    private static String name(String name) {
        JailNames.check(name);
        if (RELEASE_LIKE.matcher(name).matches()) {
            throw new JailError(name, JailError.Kind.INVALID, "Bastille reads this name as a release (bastille destroy would delete the release); choose another");
        }
        return name;
    }
}
