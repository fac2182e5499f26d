package zed.reconciler.process;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The mark of one start of a service, recorded on its dataset before the start ({@code com.zed:launch}) and given to
 * the process in its environment ({@code ZED_LAUNCH}), which every child of it inherits. A node killed between the
 * start and the stamp of its pid leaves the mark behind: the next node finds the process by it, and adopts it or
 * reaps it, however early the kill came.
 */
public record LaunchToken(String value) {
    /** The environment variable that carries it. */
    public static final String ENV = "ZED_LAUNCH";
    private static final Pattern FORM = Pattern.compile("[0-9a-f]{32}");
    private static final SecureRandom RANDOM = new SecureRandom();

    public LaunchToken {
        if (!FORM.matcher(value).matches()) throw new IllegalArgumentException("not a launch token: " + value);
    }

    public static LaunchToken fresh() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return new LaunchToken(HexFormat.of().formatHex(b));
    }

    /** The token of a stamp, or null when the stamp is absent or not one. */
    public static LaunchToken parse(String stamp) {
        return stamp != null && FORM.matcher(stamp).matches() ? new LaunchToken(stamp) : null;
    }

    /** How it reads in a process's environment. */
    String assignment() {
        return ENV + "=" + value;
    }
}
