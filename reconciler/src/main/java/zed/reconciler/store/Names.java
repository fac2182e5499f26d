package zed.reconciler.store;

import java.util.regex.Pattern;

/**
 * Dataset, snapshot and property names are checked before any command sees them, so that a name can never become
 * an option (a leading "-") or reach outside its root ("..", "/" at the start, "@" in a dataset name).
 */
public final class Names {
    private static final Pattern PART = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]*");
    private static final Pattern SNAP = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]*");
    private static final Pattern USER_PROP = Pattern.compile("[a-z0-9][a-z0-9_.-]*:[a-z0-9_.:-]+");
    private static final Pattern NATIVE_PROP = Pattern.compile("[a-z][a-z0-9_]*");

    private Names() {
    }

    /** @return the name, when it is a plain dataset name: parts of [A-Za-z0-9_.:-] separated by "/", none "." or ".." */
    public static String dataset(String name) {
        if (name == null || name.isEmpty() || name.length() > 255) throw invalid(name, "a dataset name has 1 to 255 characters");
        for (String part : name.split("/", -1)) {
            if (!PART.matcher(part).matches() || part.equals(".") || part.equals("..")) {
                throw invalid(name, "a dataset name is parts of letters, digits and _ . : -, each starting with a letter or digit, separated by /");
            }
        }
        return name;
    }

    /** A dataset strictly below {@code root} (or root itself when {@code orRoot}). */
    public static String under(String root, String name, boolean orRoot) {
        dataset(name);
        if (root.isEmpty() || name.startsWith(root + "/") || (orRoot && name.equals(root))) return name;
        throw invalid(name, "is outside " + root);
    }

    public static String snapshot(String snap) {
        if (snap == null || snap.isEmpty() || snap.length() > 200 || !SNAP.matcher(snap).matches()) {
            throw invalid(snap, "a snapshot name is letters, digits and _ . : -, starting with a letter or digit");
        }
        return snap;
    }

    public static String property(String prop) {
        if (prop == null || prop.length() > 256 || !(USER_PROP.matcher(prop).matches() || NATIVE_PROP.matcher(prop).matches())) {
            throw new StoreError(StoreError.Kind.INVALID_PROPERTY, String.valueOf(prop), "not a property name");
        }
        return prop;
    }

    public static String value(String prop, String value) {
        if (value == null || value.indexOf('\0') >= 0 || value.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 8192) {
            throw new StoreError(StoreError.Kind.INVALID_PROPERTY, prop, "a property value is at most 8192 bytes, without NUL");
        }
        return value;
    }

    public static boolean isUserProperty(String prop) {
        return prop.indexOf(':') > 0;
    }

    private static StoreError invalid(String name, String why) {
        return new StoreError(StoreError.Kind.INVALID_NAME, String.valueOf(name), why);
    }
}
