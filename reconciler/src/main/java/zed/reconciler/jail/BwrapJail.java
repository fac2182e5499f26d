package zed.reconciler.jail;

import zed.reconciler.process.RunAs;
import zed.reconciler.store.Command;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Linux jails: a bubblewrap sandbox per process, all of one jail's sandboxes alike.
 *
 * <p>Layout inside (decided here, see ZEDFILE.md's jail block):
 * <ul>
 *   <li>The jail dataset's mountpoint is the sandbox's "/", writable: the jail root's {@code var/db/web} is
 *   {@code /var/db/web} inside, as in a FreeBSD jail, so mount paths mean the same on both platforms.</li>
 *   <li>Over it, read-only, the host's {@code /usr}, {@code /bin}, {@code /sbin}, {@code /lib}, {@code /lib32},
 *   {@code /lib64} and {@code /libx32}, where they exist. Where the host's is a symbolic link (merged /usr), the jail
 *   root gets the same link.</li>
 *   <li>A curated {@code /etc}, read-only: a fresh tmpfs holding only what programs need of the host's
 *   ({@link #ETC}: name resolution, time zone, the dynamic linker's cache, CA certificates, alternatives, the JDK's
 *   configuration), and a passwd and group of Zed's with root, the service's user and nobody alone. No shadow, no
 *   ssh host keys, no sudoers, no private TLS keys.</li>
 *   <li>A fresh {@code /tmp} (tmpfs), {@code /proc} (of its own pid namespace) and {@code /dev}.</li>
 *   <li>The mount blocks at their paths: {@code --bind} for rw, {@code --ro-bind} for ro. They may not land on or
 *   under the borrowed or fresh directories above.</li>
 *   <li>Own pid, ipc and uts namespaces, the declared hostname (default: the jail's name). Its own network
 *   namespace, holding only loopback, when {@code vnet = true} or ip4/ip6 is an address: bwrap cannot give it the
 *   address (no veth), so it is cut off. Otherwise (no ip4/ip6, or "inherit") it shares the host's network, so a
 *   service can listen on 127.0.0.1 and be reached there.</li>
 *   <li>Run as root, the sandbox drops every capability but CAP_NET_BIND_SERVICE: with CAP_SYS_ADMIN, root inside
 *   could remount the read-only /usr writable (seen here with bwrap 0.8). Low ports stay possible.</li>
 *   <li>A service with a user of its own: bwrap keeps CAP_SETUID and CAP_SETGID too, and the command inside is
 *   setpriv(1), which takes the user's uid, gid and groups (host numbers: there is no user namespace, so the host
 *   sees the service's own uid) and keeps no capability but CAP_NET_BIND_SERVICE. bwrap sets no_new_privs, so no
 *   set-uid program inside gets any back.</li>
 *   <li>No {@code --die-with-parent}: services outlive the Zed node, which adopts them when it comes back.
 *   {@code --new-session} keeps a service from pushing keystrokes into a terminal it inherited.</li>
 * </ul>
 *
 * <p>There is no kernel object for such a jail. It is "running" while it is prepared: its root laid out and its
 * rendered arguments in {@code <stateDir>/<name>.conf}; the hash of that file is its confHash. Its processes are
 * the services started through {@link #wrap}; each sandbox carries {@code ZED_JAIL=<name>} in its bwrap arguments
 * (and its environment), which is how {@link #stop} finds them.
 */
public final class BwrapJail implements JailDriver {
    static final String MARK = "ZED_JAIL";
    private static final Duration PROBE = Duration.ofSeconds(10);
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);

    /** Host directories the thin root borrows, read-only, where they exist, in this order. */
    static final List<String> SYSTEM = List.of("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc");
    /**
     * What a sandbox's /etc holds of the host's, where the host has it (a symbolic link is bound as what it points
     * to). Not {@code ssl} whole: its {@code private} holds keys.
     */
    static final List<String> ETC = List.of("hosts", "resolv.conf", "nsswitch.conf", "host.conf", "gai.conf", "protocols", "services",
            "networks", "localtime", "timezone", "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "alternatives", "ssl/certs", "ssl/openssl.cnf",
            "ca-certificates", "ca-certificates.conf", "pki/tls/certs", "pki/ca-trust", "crypto-policies", "mime.types", "os-release",
            "debian_version", "java-17-openjdk", "java-21-openjdk", "fonts");
    static final String NOBODY = "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin";
    /** Made fresh in every sandbox. */
    static final List<String> FRESH = List.of("/tmp", "/proc", "/dev");

    /** One borrowed host directory: {@code link} is the target when the host's is a symbolic link, else null. */
    record SystemDir(String path, String link) {
    }

    private final Run run;
    private final Path stateDir;
    private final Path bwrap;
    private final Duration stopGrace;

    /** @param stateDir where each jail's rendered configuration lives (a directory of the node's state) */
    public BwrapJail(Command command, Path stateDir) {
        this(command, stateDir, locate(), Duration.ofSeconds(10));
    }

    /** @param stopGrace how long {@link #stop} lets the jail's processes end after SIGTERM before it kills them */
    public BwrapJail(Command command, Path stateDir, Path bwrap, Duration stopGrace) {
        this.run = new Run(command);
        this.stateDir = stateDir;
        this.bwrap = bwrap;
        this.stopGrace = stopGrace;
    }

    /** The bwrap on PATH, else where Debian puts it. */
    static Path locate() {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(":")) {
                if (dir.isEmpty()) continue;
                Path p = Path.of(dir, "bwrap");
                if (Files.isExecutable(p)) return p;
            }
        }
        return Path.of("/usr/bin/bwrap");
    }

    /** Whether a jail gets its own network namespace (see the class comment). */
    public static boolean ownNetwork(JailSetup jail) {
        return jail.spec().vnet() || address(jail.spec().ip4()) || address(jail.spec().ip6());
    }

    private static boolean address(String ip) {
        return ip != null && !ip.isBlank() && !ip.equals("inherit");
    }

    /** The rendered configuration: bwrap's arguments up to the command, one per line. */
    @Override
    public String render(JailSetup jail) {
        return String.join("\n", prefix(jail)) + "\n";
    }

    @Override
    public List<String> wrap(JailSetup jail, String workdir, List<String> cmd) {
        return wrap(jail, workdir, cmd, null);
    }

    /**
     * The argv of one sandbox: the jail's, its passwd and group for {@code as} (null: root), and the drop to
     * {@code as} inside. Writes those two files under the state directory.
     */
    @Override
    public List<String> wrap(JailSetup jail, String workdir, List<String> cmd, RunAs as) {
        if (workdir == null || !workdir.startsWith("/") || !Path.of(workdir).normalize().toString().equals(workdir)) {
            throw new JailError(jail.name(), JailError.Kind.INVALID, "working directory \"" + workdir + "\" must be an absolute, normalised path inside the jail");
        }
        if (cmd.isEmpty()) throw new JailError(jail.name(), JailError.Kind.INVALID, "no command to run");
        List<String> a = new ArrayList<>(prefix(jail));
        boolean drop = as != null; // null is root with root's group: the jail's own root
        if (drop && !runAsRoot()) {
            throw new JailError(jail.name(), JailError.Kind.INVALID, "running a service as user \"" + as.user() + "\" in a jail needs the node to run as root");
        }
        Path etc = stateDir.resolve(jail.name() + ".etc").resolve(drop ? as.user() : "root");
        JailFiles.writeAtomically(jail.name(), etc.resolve("passwd"), passwd(as));
        JailFiles.writeAtomically(jail.name(), etc.resolve("group"), group(as));
        a.addAll(List.of("--ro-bind", etc.resolve("passwd").toString(), "/etc/passwd", "--ro-bind", etc.resolve("group").toString(), "/etc/group"));
        a.addAll(List.of("--remount-ro", "/etc"));
        if (drop) a.addAll(List.of("--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"));
        a.addAll(List.of("--chdir", workdir, "--"));
        if (drop) {
            String setpriv = RunAs.setpriv().orElseThrow(() -> new JailError(jail.name(), JailError.Kind.MISSING,
                    "running a service as user \"" + as.user() + "\" needs setpriv(1) (util-linux), which this host lacks")).toString();
            a.addAll(as.dropTo(setpriv, true));
        }
        a.addAll(cmd);
        return a;
    }

    /** A sandbox's /etc/passwd: root, the service's user, nobody. */
    static String passwd(RunAs as) {
        StringBuilder b = new StringBuilder("root:x:0:0:root:/root:/bin/sh\n");
        if (as != null && !as.root() && as.uid() != 65534) {
            b.append(as.user()).append(":x:").append(as.uid()).append(':').append(as.gid()).append("::").append(as.home()).append(":/usr/sbin/nologin\n");
        }
        return b.append(NOBODY).append('\n').toString();
    }

    /** A sandbox's /etc/group: root, the service's group, and nobody's. */
    static String group(RunAs as) {
        StringBuilder b = new StringBuilder("root:x:0:\n");
        if (as != null && !as.root() && as.gid() != 0 && as.gid() != 65534) {
            b.append(as.group()).append(":x:").append(as.gid()).append(':').append(as.user()).append('\n');
        }
        return b.append("nogroup:x:65534:\n").toString();
    }

    private List<String> prefix(JailSetup jail) {
        checkMountPaths(jail);
        // Linux's sethostname takes 64 bytes at most; bwrap would only fail when a service starts
        if (jail.hostname().getBytes(StandardCharsets.UTF_8).length > 64) {
            throw new JailError(jail.name(), JailError.Kind.INVALID, "hostname \"" + jail.hostname() + "\" is longer than Linux's 64 bytes");
        }
        List<String> a = new ArrayList<>();
        a.add(bwrap.toString());
        a.addAll(List.of("--unshare-pid", "--unshare-ipc", "--unshare-uts"));
        if (ownNetwork(jail)) a.add("--unshare-net");
        a.add("--new-session");
        if (runAsRoot()) a.addAll(List.of("--cap-drop", "ALL", "--cap-add", "CAP_NET_BIND_SERVICE"));
        a.addAll(List.of("--bind", jail.root().toString(), "/"));
        for (SystemDir d : systemDirs()) {
            if (d.link() == null && !d.path().equals("/etc")) a.addAll(List.of("--ro-bind", d.path(), d.path()));
        }
        a.addAll(List.of("--tmpfs", "/etc"));
        Set<String> made = new java.util.HashSet<>();
        for (String e : ETC) {
            if (!Files.exists(Path.of("/etc", e))) continue;
            // bwrap would make a missing parent 0700, out of the service user's reach: made 0755 here first
            for (int slash = e.indexOf('/'); slash > 0; slash = e.indexOf('/', slash + 1)) {
                if (made.add(e.substring(0, slash))) a.addAll(List.of("--dir", "/etc/" + e.substring(0, slash)));
            }
            a.addAll(List.of("--ro-bind", "/etc/" + e, "/etc/" + e));
        }
        a.addAll(List.of("--tmpfs", "/tmp", "--proc", "/proc", "--dev", "/dev"));
        for (JailSetup.HostMount m : jail.mounts()) {
            a.addAll(List.of(m.mode() == JailSetup.Mode.RW ? "--bind" : "--ro-bind", m.host().toString(), m.path()));
        }
        a.addAll(List.of("--hostname", jail.hostname()));
        a.addAll(List.of("--setenv", MARK, jail.name()));
        return a;
    }

    @Override
    public JailState ensure(JailSetup jail) {
        String name = jail.name();
        String text = render(jail);
        Command.Result probe = run.any(name, PROBE, List.of(bwrap.toString(), "--version"));
        if (!probe.ok()) throw new JailError(name, JailError.Kind.MISSING, bwrap + " does not run: " + Run.said(probe));
        JailFiles.requireDirectory(name, jail.root(), "the jail root");
        for (JailSetup.HostMount m : jail.mounts()) JailFiles.requireDirectory(name, m.host(), "the host directory of mount \"" + m.path() + "\",");
        prepareRoot(jail);
        Optional<String> old = JailFiles.read(name, conf(name));
        if (old.isPresent() && old.get().equals(text)) return new JailState(name, true, JailState.hashOf(text));
        // another configuration: its sandboxes end here, and the services come back under the new one
        if (old.isPresent()) killSandboxes(name);
        JailFiles.writeAtomically(name, conf(name), text);
        return new JailState(name, true, JailState.hashOf(text));
    }

    @Override
    public JailState observe(String name) {
        JailNames.check(name);
        Optional<String> text = JailFiles.read(name, conf(name));
        if (text.isEmpty()) return JailState.absent(name);
        Path root = rootIn(text.get());
        return new JailState(name, root != null && Files.isDirectory(root), JailState.hashOf(text.get()));
    }

    @Override
    public void stop(String name) {
        JailNames.check(name);
        killSandboxes(name);
        JailFiles.delete(name, conf(name));
        // the passwd and group files its sandboxes had, one pair per user
        Path etc = stateDir.resolve(name + ".etc");
        if (Files.isDirectory(etc)) {
            try (java.util.stream.Stream<Path> all = Files.walk(etc)) {
                for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            } catch (IOException e) {
                throw new JailError(name, JailError.Kind.FAILED, "removing " + etc + ": " + e);
            }
        }
    }

    /** The live bwrap processes of a jail: both the outer one and the one that is pid 1 of its namespace. */
    public List<ProcessHandle> sandboxes(String name) {
        JailNames.check(name);
        return ProcessHandle.allProcesses().filter(p -> isSandboxOf(p, name)).toList();
    }

    private Path conf(String name) {
        return stateDir.resolve(name + ".conf");
    }

    private static Path rootIn(String text) {
        List<String> lines = text.lines().toList();
        for (int i = 0; i + 2 < lines.size(); i++) {
            if (lines.get(i).equals("--bind") && lines.get(i + 2).equals("/")) return Path.of(lines.get(i + 1));
        }
        return null;
    }

    private static void checkMountPaths(JailSetup jail) {
        List<String> taken = new ArrayList<>(SYSTEM);
        taken.addAll(FRESH);
        for (JailSetup.HostMount m : jail.mounts()) {
            for (String t : taken) {
                if (m.path().equals(t) || m.path().startsWith(t + "/")) {
                    throw new JailError(jail.name(), JailError.Kind.INVALID, "mount \"" + m.path() + "\" lands in " + t
                            + ", which a Linux jail takes from the host or makes fresh; mount it elsewhere");
                }
            }
        }
    }

    static List<SystemDir> systemDirs() {
        List<SystemDir> out = new ArrayList<>();
        for (String d : SYSTEM) {
            Path p = Path.of(d);
            try {
                if (Files.isSymbolicLink(p)) out.add(new SystemDir(d, Files.readSymbolicLink(p).toString()));
                else if (Files.isDirectory(p)) out.add(new SystemDir(d, null));
            } catch (IOException e) {
                throw new IllegalStateException("reading " + p + ": " + e, e);
            }
        }
        return out;
    }

    /**
     * Lays out the jail's root so that bwrap finds every mount point already there: bwrap would otherwise make them
     * itself, mode 0700 (seen with bwrap 0.8), and fails to make a symbolic link that exists from the last run.
     */
    private void prepareRoot(JailSetup jail) {
        String name = jail.name();
        Path root = jail.root();
        for (SystemDir d : systemDirs()) {
            Path at = root.resolve(d.path().substring(1));
            if (d.link() == null) {
                JailFiles.mkdirsInside(name, root, d.path());
                continue;
            }
            try {
                if (Files.isSymbolicLink(at)) {
                    if (Files.readSymbolicLink(at).toString().equals(d.link())) continue;
                } else if (!Files.exists(at, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createSymbolicLink(at, Path.of(d.link()));
                    continue;
                }
            } catch (IOException e) {
                throw new JailError(name, JailError.Kind.FAILED, "linking " + at + ": " + e);
            }
            throw new JailError(name, JailError.Kind.INVALID, at + " is in the way: the host's " + d.path() + " is a link to "
                    + d.link() + ", and the jail must see the host's; remove it");
        }
        for (String d : FRESH) JailFiles.mkdirsInside(name, root, d);
        for (JailSetup.HostMount m : jail.mounts()) JailFiles.mkdirsInside(name, root, m.path());
    }

    /**
     * Ends every process of the jail: SIGTERM to the processes inside and {@code stopGrace} to end on their own,
     * then SIGKILL to each sandbox's pid 1, which takes the rest of its namespace with it.
     */
    private void killSandboxes(String name) {
        List<ProcessHandle> boxes = sandboxes(name);
        if (boxes.isEmpty()) return;
        Set<Long> boxPids = boxes.stream().map(ProcessHandle::pid).collect(Collectors.toSet());
        List<ProcessHandle> inside = boxes.stream().flatMap(ProcessHandle::descendants)
                .filter(p -> !boxPids.contains(p.pid())).distinct().toList();
        inside.forEach(ProcessHandle::destroy);
        awaitGone(inside, stopGrace);
        List<ProcessHandle> all = new ArrayList<>(boxes);
        all.addAll(inside);
        all.forEach(ProcessHandle::destroyForcibly);
        if (!awaitGone(all, KILL_WAIT)) {
            String left = all.stream().filter(ProcessHandle::isAlive).map(p -> String.valueOf(p.pid())).collect(Collectors.joining(", "));
            throw new JailError(name, JailError.Kind.STILL_THERE, "processes " + left + " outlived SIGKILL");
        }
    }

    private static boolean awaitGone(Collection<ProcessHandle> ps, Duration within) {
        if (ps.isEmpty()) return true;
        CompletableFuture<?> all = CompletableFuture.allOf(ps.stream().map(ProcessHandle::onExit).toArray(CompletableFuture[]::new));
        try {
            all.get(within.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            return ps.stream().noneMatch(ProcessHandle::isAlive);
        }
    }

    private static boolean isSandboxOf(ProcessHandle p, String name) {
        ProcessHandle.Info info = p.info();
        Optional<String> cmd = info.command();
        Optional<String[]> args = info.arguments();
        if (cmd.isEmpty() || args.isEmpty()) return false;
        Path exe = Path.of(cmd.get()).getFileName();
        if (exe == null || !exe.toString().equals("bwrap")) return false;
        List<String> a = Arrays.asList(args.get());
        for (int i = 0; i + 2 < a.size() && !a.get(i).equals("--"); i++) {
            if (a.get(i).equals("--setenv") && a.get(i + 1).equals(MARK) && a.get(i + 2).equals(name)) return true;
        }
        return false;
    }

    /** Root keeps its capabilities in a bwrap sandbox unless told otherwise; anyone else has none to drop. */
    private static boolean runAsRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
