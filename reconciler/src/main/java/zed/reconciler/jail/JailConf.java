package zed.reconciler.jail;

import zed.config.Value;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Renders one jail as jail.conf(5) text.
 *
 * <p>Booleans are written in the valueless form jail.conf(5) documents: {@code allow.sysvipc;} for true and, with
 * "no" put before the last part of the name, {@code allow.nosysvipc;} for false. Whole numbers are bare tokens
 * ({@code children.max = 4;}); everything else is a double-quoted string with {@code \ " $} escaped, since jail.conf
 * expands {@code $} variables inside double quotes. Params come sorted by name: the spec's map has no order, and
 * the text must not change (nor its hash) while the spec does not.
 */
final class JailConf {
    static final String EXEC_START = "/bin/sh /etc/rc";
    static final String EXEC_STOP = "/bin/sh /etc/rc.shutdown";
    private static final Pattern PARAM = Pattern.compile("^[A-Za-z0-9_]+(\\.[A-Za-z0-9_]+)*$");
    /** Set from the jail block's own attributes; a param of the same name would contradict them. */
    private static final Map<String, String> RESERVED = Map.of(
            "name", "the jail's label", "path", "dataset", "host.hostname", "hostname", "ip4", "ip4", "ip4.addr", "ip4",
            "ip6", "ip6", "ip6.addr", "ip6", "vnet", "vnet", "mount", "the mount blocks");
    /** Written unless the params say otherwise. */
    private static final Set<String> DEFAULTS = Set.of("mount.devfs", "exec.start", "exec.stop");

    private JailConf() {
    }

    static String render(JailSetup jail) {
        String name = jail.name();
        Map<String, Value> params = new TreeMap<>();
        jail.spec().params().forEach((k, v) -> {
            if (!PARAM.matcher(k).matches()) throw new JailError(name, JailError.Kind.INVALID, "param \"" + k + "\" is not a jail parameter name");
            if (RESERVED.containsKey(k)) {
                throw new JailError(name, JailError.Kind.INVALID, "param \"" + k + "\" is set by the jail block's " + RESERVED.get(k) + "; remove it from params");
            }
            params.put(k, v);
        });
        Map<String, Value> defaults = new LinkedHashMap<>();
        defaults.put("mount.devfs", Value.Bool.TRUE);
        defaults.put("exec.start", new Value.Str(EXEC_START));
        defaults.put("exec.stop", new Value.Str(EXEC_STOP));

        StringBuilder sb = new StringBuilder();
        sb.append("# Jail \"").append(name).append("\", written by Zed: edit the Zedfile, not this file.\n");
        sb.append(name).append(" {\n");
        line(sb, name, "path", new Value.Str(jail.root().toString()));
        line(sb, name, "host.hostname", new Value.Str(jail.hostname()));
        String ip4 = jail.spec().ip4(), ip6 = jail.spec().ip6();
        if (jail.spec().vnet()) {
            // the address is the jail's own business on its vnet interface (rc.conf inside), not jail.conf's
            sb.append("\tvnet;\n");
        } else if (ip4 == null && ip6 == null) {
            // no addressing declared: the jail shares the host's stack, as on Linux
            sb.append("\tip4 = inherit;\n\tip6 = inherit;\n");
        } else {
            family(sb, name, "ip4", ip4);
            family(sb, name, "ip6", ip6);
        }
        for (Map.Entry<String, Value> d : defaults.entrySet()) line(sb, name, d.getKey(), params.getOrDefault(d.getKey(), d.getValue()));
        for (JailSetup.HostMount m : jail.mounts()) {
            sb.append("\tmount += ").append(quote(m.host() + " " + jail.root() + m.path() + " nullfs " + m.mode().word() + " 0 0")).append(";\n");
        }
        for (Map.Entry<String, Value> p : params.entrySet()) {
            if (!DEFAULTS.contains(p.getKey())) line(sb, name, p.getKey(), p.getValue());
        }
        sb.append("}\n");
        return sb.toString();
    }

    private static void family(StringBuilder sb, String jail, String fam, String ip) {
        if (ip == null) return;
        if (ip.equals("inherit")) sb.append('\t').append(fam).append(" = inherit;\n");
        else line(sb, jail, fam + ".addr", new Value.Str(ip));
    }

    private static void line(StringBuilder sb, String jail, String key, Value v) {
        sb.append('\t');
        if (v instanceof Value.Bool b) sb.append(b.value() ? key : negate(key)).append(";\n");
        else if (v instanceof Value.Num n && n.isWhole()) sb.append(key).append(" = ").append(n.plain()).append(";\n");
        else if (v instanceof Value.Num n) sb.append(key).append(" = ").append(quote(n.plain())).append(";\n");
        else if (v instanceof Value.Str s) sb.append(key).append(" = ").append(quote(s.value())).append(";\n");
        else throw new JailError(jail, JailError.Kind.INVALID, "param \"" + key + "\" is a " + v.typeName() + "; a jail parameter is a string, number or bool");
    }

    /** jail.conf(5): "no" goes before the last part of a boolean's name: allow.mount -> allow.nomount. */
    static String negate(String key) {
        int dot = key.lastIndexOf('.');
        return key.substring(0, dot + 1) + "no" + key.substring(dot + 1);
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '\\', '"', '$' -> sb.append('\\').append(c);
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                default -> sb.append(c);
            }
        }
        return sb.append('"').toString();
    }
}
