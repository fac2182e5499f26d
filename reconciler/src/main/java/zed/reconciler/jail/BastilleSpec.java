package zed.reconciler.jail;

import zed.config.Value;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A jail as Zed asks Bastille for it. Its text is the Bastille driver's rendered configuration: it is kept in the
 * state directory after each change (Bastille has no place for it), read back to see what changed, and hashed.
 *
 * @param ip     the IP argument of {@code bastille create}
 * @param params jail parameters as {@code bastille config <name> set} takes them, sorted by name
 */
record BastilleSpec(String release, boolean vnet, String ip, String hostname, List<JailSetup.HostMount> mounts,
                    SortedMap<String, String> params) {
    private static final Pattern PARAM = Pattern.compile("^[A-Za-z0-9_]+(\\.[A-Za-z0-9_]+)*$");
    /** What {@code bastille config set} accepts in a value (its own check, config.sh). */
    private static final Pattern VALUE = Pattern.compile("^[A-Za-z0-9._/:| $!&%=(){}-]+$");
    /** An IPv4 or IPv6 address, optionally with a prefix length or an interface before a "|", or "inherit". */
    private static final Pattern ADDRESS = Pattern.compile("^[0-9A-Za-z:.%|-]+(/\\d{1,3})?$");
    private static final Set<String> RESERVED = Set.of("name", "path", "host.hostname", "ip4", "ip4.addr", "ip6", "ip6.addr", "vnet", "mount");

    BastilleSpec {
        mounts = List.copyOf(mounts);
        params = new TreeMap<>(params);
    }

    static BastilleSpec of(JailSetup jail, String release) {
        String name = jail.name();
        String ip4 = jail.spec().ip4(), ip6 = jail.spec().ip6();
        String ip;
        if (jail.spec().vnet()) {
            if ("inherit".equals(ip4) || "inherit".equals(ip6)) throw new JailError(name, JailError.Kind.INVALID, "a vnet jail cannot inherit the host's addresses");
            // 0.0.0.0: Bastille's word for a vnet interface left unconfigured
            ip = ip4 != null ? ip4 : ip6 != null ? ip6 : "0.0.0.0";
        } else {
            List<String> ips = new ArrayList<>();
            if (ip4 != null && !ip4.equals("inherit")) ips.add(ip4);
            if (ip6 != null && !ip6.equals("inherit")) ips.add(ip6);
            ip = ips.isEmpty() ? "inherit" : String.join(" ", ips);
        }
        for (String one : ip.split(" ")) {
            if (!ADDRESS.matcher(one).matches()) throw new JailError(name, JailError.Kind.INVALID, "\"" + one + "\" is not an address Bastille takes");
        }
        String hostname = jail.hostname();
        if (!VALUE.matcher(hostname).matches() || hostname.contains(" ")) {
            throw new JailError(name, JailError.Kind.INVALID, "hostname \"" + hostname + "\" has characters Bastille does not take");
        }
        SortedMap<String, String> params = new TreeMap<>();
        for (Map.Entry<String, Value> p : jail.spec().params().entrySet()) {
            String k = p.getKey();
            if (!PARAM.matcher(k).matches()) throw new JailError(name, JailError.Kind.INVALID, "param \"" + k + "\" is not a jail parameter name");
            if (RESERVED.contains(k)) throw new JailError(name, JailError.Kind.INVALID, "param \"" + k + "\" is set by the jail block itself; remove it from params");
            String v = value(p.getValue());
            if (v == null) throw new JailError(name, JailError.Kind.INVALID, "param \"" + k + "\" is a " + p.getValue().typeName() + "; a jail parameter is a string, number or bool");
            if (!VALUE.matcher(v).matches()) throw new JailError(name, JailError.Kind.INVALID, "param \"" + k + "\" = \"" + v + "\" has characters Bastille does not take");
            params.put(k, v);
        }
        return new BastilleSpec(release, jail.spec().vnet(), ip, hostname, jail.mounts(), params);
    }

    /** jail.conf(5) takes "true" and "false" for booleans, which {@code bastille config set} writes as given. */
    private static String value(Value v) {
        if (v instanceof Value.Bool b) return b.value() ? "true" : "false";
        if (v instanceof Value.Num n) return n.plain();
        if (v instanceof Value.Str s) return s.value();
        return null;
    }

    String text(String name) {
        StringBuilder sb = new StringBuilder("# Bastille jail \"" + name + "\" as Zed made it: edit the Zedfile, not this file.\n");
        sb.append("release ").append(release).append('\n');
        sb.append("vnet ").append(vnet).append('\n');
        sb.append("ip ").append(ip).append('\n');
        sb.append("hostname ").append(hostname).append('\n');
        for (JailSetup.HostMount m : mounts) sb.append("mount ").append(m.path()).append(' ').append(m.host()).append(' ').append(m.mode().word()).append('\n');
        params.forEach((k, v) -> sb.append("param ").append(k).append(' ').append(v).append('\n'));
        return sb.toString();
    }

    /** Reads {@link #text} back; null for text that is not ours. */
    static BastilleSpec parse(String text) {
        String release = null, ip = null, hostname = null;
        boolean vnet = false;
        List<JailSetup.HostMount> mounts = new ArrayList<>();
        SortedMap<String, String> params = new TreeMap<>();
        for (String line : text.lines().toList()) {
            if (line.startsWith("#") || line.isBlank()) continue;
            String[] kv = line.split(" ", 2);
            if (kv.length < 2) return null;
            switch (kv[0]) {
                case "release" -> release = kv[1];
                case "vnet" -> vnet = Boolean.parseBoolean(kv[1]);
                case "ip" -> ip = kv[1];
                case "hostname" -> hostname = kv[1];
                case "mount" -> {
                    String[] m = kv[1].split(" ");
                    if (m.length != 3 || !(m[2].equals("rw") || m[2].equals("ro"))) return null;
                    mounts.add(new JailSetup.HostMount(m[0], Path.of(m[1]), JailSetup.Mode.of(m[2])));
                }
                case "param" -> {
                    String[] p = kv[1].split(" ", 2);
                    if (p.length != 2) return null;
                    params.put(p[0], p[1]);
                }
                default -> {
                    return null;
                }
            }
        }
        if (release == null || ip == null || hostname == null) return null;
        return new BastilleSpec(release, vnet, ip, hostname, mounts, params);
    }
}
