package zed.reconciler.process;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A service's environment reaches it through setpriv(1), which runs as root until it has dropped to the service's
 * user: the dynamic loader and the C library would act on {@code LD_PRELOAD} and its kind there, as root, since
 * setpriv is not set-uid and so not in the loader's secure mode. Such variables cross that first exec under another
 * name ({@code ZED_ENV_<name>}), and the shell that runs after the drop, as the user, gives them their own names back
 * ({@link #RESTORE}): the service sees its whole environment, and nothing of it runs as root. The names are the
 * C library's own list of variables unsafe for a privileged program (glibc's unsecvars.h), and every {@code LD_*}.
 */
final class LoaderVariables {
    static final String MOVED = "ZED_ENV_MOVED";
    static final String PREFIX = "ZED_ENV_";
    private static final Set<String> UNSAFE = Set.of("GCONV_PATH", "GETCONF_DIR", "GLIBC_TUNABLES", "HOSTALIASES", "LOCALDOMAIN", "LOCPATH",
            "MALLOC_TRACE", "NIS_PATH", "NLSPATH", "RESOLV_HOST_CONF", "RES_OPTIONS", "TMPDIR", "TZDIR");
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** Run by the shell as the user: each moved variable under its own name again, the carriers gone. */
    static final String RESTORE = "for n in $" + MOVED + "; do eval \"export $n=\\\"\\${" + PREFIX + "$n}\\\"; unset " + PREFIX + "$n\"; done; unset " + MOVED + "; ";

    private LoaderVariables() {
    }

    static boolean unsafe(String name) {
        return name.startsWith("LD_") || UNSAFE.contains(name);
    }

    /** The environment as the root part of the start may see it: the unsafe variables renamed, and their names in {@link #MOVED}. */
    static Map<String, String> carried(Map<String, String> env) {
        Map<String, String> out = new LinkedHashMap<>();
        Set<String> moved = new TreeSet<>();
        env.forEach((k, v) -> {
            if (unsafe(k)) {
                // the name goes through eval in the shell: a plain name only (none other reaches a process's environment from a Zedfile)
                if (!NAME.matcher(k).matches()) throw new IllegalArgumentException("an environment variable named \"" + k + "\" cannot be passed");
                moved.add(k);
                out.put(PREFIX + k, v);
            } else {
                out.put(k, v);
            }
        });
        if (!moved.isEmpty()) out.put(MOVED, String.join(" ", moved));
        return out;
    }

    static boolean anyMoved(Map<String, String> carried) {
        return carried.containsKey(MOVED);
    }
}
