package zed.reconciler.jail;

import java.util.regex.Pattern;

/** The one rule for jail names, checked before any command runs: a name reaches argv lists, file names and jail.conf. */
public final class JailNames {
    static final Pattern NAME = Pattern.compile("^[A-Za-z0-9_-]+$");

    private JailNames() {
    }

    public static String check(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new JailError(String.valueOf(name), JailError.Kind.INVALID, "a jail name is letters, digits, _ and - (^[A-Za-z0-9_-]+$)");
        }
        return name;
    }
}
