package zed.reconciler.jail;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a host says about one jail.
 *
 * @param running  whether the jail is up (for the bwrap driver, which has no kernel object: whether it is prepared)
 * @param confHash the hash of the configuration the jail runs with ({@link #hashOf}), or null when there is none
 */
public record JailState(String name, boolean running, String confHash) {
    /** STATE.md: on a jail's dataset, the jail's name. */
    public static final String JAIL_PROPERTY = "com.zed:jail";
    /** STATE.md: on a jail's dataset, the hash of the configuration it was started with. */
    public static final String CONF_HASH_PROPERTY = "com.zed:jail.conf-hash";

    public static JailState absent(String name) {
        return new JailState(name, false, null);
    }

    /** The first 16 hex digits of the SHA-256 of a driver's rendered configuration. */
    public static String hashOf(String rendered) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(rendered.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** The properties to write on the jail's dataset (STATE.md), in this order; none while there is no hash. */
    public Map<String, String> stamp() {
        Map<String, String> m = new LinkedHashMap<>();
        if (confHash == null) return m;
        m.put(JAIL_PROPERTY, name);
        m.put(CONF_HASH_PROPERTY, confHash);
        return m;
    }
}
