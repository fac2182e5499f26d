package zed.reconciler.secret;

import java.util.regex.Pattern;

/**
 * A secret's name on the host. Narrower than a dataset name: it becomes a file name ({@code <slot>.age}) and a part of
 * a ZFS user property ({@code com.zed:secret.<slot>.fingerprint}), whose names are lowercase, and a "." in it would
 * make the property's parts ambiguous.
 */
public record Slot(String name) {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

    public Slot {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a secret slot is 1 to 64 lowercase letters, digits, '_' and '-', starting with a letter or digit, not \""
                    + printable(name) + "\"");
        }
    }

    /** Whether {@code name} is a slot name (a Zedfile's {@code secret(...)} allows more: uppercase, '.'). */
    public static boolean valid(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** The slot's file in the store's directory. */
    public String fileName() {
        return name + ".age";
    }

    private static String printable(String s) {
        if (s == null) return "";
        String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }

    @Override
    public String toString() {
        return name;
    }
}
