package zed.chaos.fault;

import zed.reconciler.process.Subprocess;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Hosts with networks of their own on one machine: a Linux network namespace per host, each with one veth on a
 * bridge, addresses from 198.18.0.0/24 (RFC 2544's benchmark range, never routed anywhere). The bridge's own
 * address, the gateway, is the root namespace's: what the hosts share with the test (PostgreSQL through a relay, the
 * API). A partition is nftables rules in a host's namespace that drop its traffic with the other hosts, never with the
 * gateway; healing deletes them. Everything but the network (files, ZFS, processes) stays shared. Needs root.
 */
public final class HostNetwork implements AutoCloseable {
    static final String GATEWAY = "198.18.0.1";
    private final String tag = UUID.randomUUID().toString().substring(0, 6);
    private final int hosts;

    private HostNetwork(int hosts) {
        this.hosts = hosts;
    }

    public static HostNetwork create(int hosts) throws IOException, InterruptedException {
        HostNetwork n = new HostNetwork(hosts);
        try {
            ip("link", "add", n.bridge(), "type", "bridge");
            ip("addr", "add", GATEWAY + "/24", "dev", n.bridge());
            ip("link", "set", n.bridge(), "up");
            for (int i = 1; i <= hosts; i++) {
                ip("netns", "add", n.ns(i));
                ip("netns", "exec", n.ns(i), "ip", "link", "set", "lo", "up");
                ip("link", "add", n.veth(i), "type", "veth", "peer", "name", "eth0", "netns", n.ns(i));
                ip("link", "set", n.veth(i), "master", n.bridge(), "up");
                ip("netns", "exec", n.ns(i), "ip", "addr", "add", n.ip(i) + "/24", "dev", "eth0");
                ip("netns", "exec", n.ns(i), "ip", "link", "set", "eth0", "up");
            }
            return n;
        } catch (IOException | RuntimeException e) {
            n.close();
            throw e;
        }
    }

    public String gateway() {
        return GATEWAY;
    }

    /** Host {@code i}'s namespace (1-based). */
    public String ns(int i) {
        return "zed-" + tag + "-h" + i;
    }

    public String ip(int i) {
        return "198.18.0." + (10 + i);
    }

    /**
     * What runs a command in host {@code i}'s network, and only there: {@code nsenter --net}, not {@code ip netns exec},
     * which also gives the command a mount namespace of its own. A node's zfs-fuse mounts are made by the daemon, in
     * the machine's namespace: from a namespace of its own, a node's {@code zfs umount} unmounted only its own view, and
     * its next {@code zfs mount} then found the dataset "already mounted" or "busy" (a failover's take-over did). On a
     * real host, as here now, a mount is the whole machine's.
     */
    public List<String> in(int i) {
        return List.of("nsenter", "--net=/run/netns/" + ns(i), "--");
    }

    private String bridge() {
        return "zb" + tag;
    }

    private String veth(int i) {
        return "zv" + tag + i;
    }

    /** Host {@code i} hears nothing from the other hosts and reaches none of them; the gateway it still reaches. */
    public void cut(int i) throws IOException, InterruptedException {
        List<String> others = new ArrayList<>();
        for (int j = 1; j <= hosts; j++) if (j != i) others.add(ip(j));
        String set = "{ " + String.join(", ", others) + " }";
        nft(i, "add table inet zedcut");
        nft(i, "add chain inet zedcut in { type filter hook input priority 0 ; policy accept ; }");
        nft(i, "add chain inet zedcut out { type filter hook output priority 0 ; policy accept ; }");
        nft(i, "add rule inet zedcut in ip saddr " + set + " drop");
        nft(i, "add rule inet zedcut out ip daddr " + set + " drop");
    }

    public void heal(int i) throws IOException, InterruptedException {
        nft(i, "delete table inet zedcut");
    }

    private void nft(int i, String command) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(in(i));
        argv.add("nft");
        argv.addAll(List.of(command.split(" ")));
        run(argv);
    }

    private static void ip(String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("ip"));
        argv.addAll(List.of(args));
        run(argv);
    }

    private static void run(List<String> argv) throws IOException, InterruptedException {
        Subprocess.Result r = Subprocess.of(argv, Duration.ofSeconds(30)).mergingErrors().run();
        if (r.exit() != 0) throw new IOException(String.join(" ", argv) + ": " + r.stdout().strip());
    }

    /** Deletes the namespaces (and with them their veths) and the bridge; what is already gone is left. */
    @Override
    public void close() throws IOException, InterruptedException {
        for (int i = 1; i <= hosts; i++) Subprocess.of(List.of("ip", "netns", "del", ns(i)), Duration.ofSeconds(30)).mergingErrors().run();
        Subprocess.of(List.of("ip", "link", "del", bridge()), Duration.ofSeconds(30)).mergingErrors().run();
    }
}
