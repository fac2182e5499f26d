package zed.reconciler.secret;

import java.util.regex.Pattern;

/**
 * A secret's name on the host ({@link zed.config.Value.SecretRef#SLOT}): a file name ({@code <slot>.age}) and a part of
 * a ZFS user property ({@code com.zed:secret.<slot>.fingerprint}).
 */
public record Slot(String name) {
    /** The one rule, the Zedfile's {@code secret(...)} checks it too, at its position. */
    private static final Pattern NAME = zed.config.Value.SecretRef.SLOT;

    public Slot {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a secret slot is " + zed.config.Value.SecretRef.SLOT_RULE + ", not \"" + printable(name) + "\"");
        }
    }

    /** Whether {@code name} is a slot name. */
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
