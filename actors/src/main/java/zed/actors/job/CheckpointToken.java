package zed.actors.job;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The credential of one run's checkpoint URL: 32 random bytes as base64url without padding (43 characters), the
 * whole of what a job needs to checkpoint (never the node's API token). Pure but for the random bytes.
 */
public final class CheckpointToken {
    /** The path the URLs share; the token follows it. */
    public static final String PATH = "/v1/checkpoints/";
    private static final Pattern FORM = Pattern.compile("[A-Za-z0-9_-]{43}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private CheckpointToken() {
    }

    public static String generate() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** Whether {@code token} has the form {@link #generate} gives: anything else is looked up no further. */
    public static boolean wellFormed(String token) {
        return token != null && FORM.matcher(token).matches();
    }

    /**
     * What a run's token is known by on the node: its SHA-256. A lookup by it (a hash map's) takes the same time
     * whatever the token shares with another, so timing tells a caller nothing about a token it does not hold.
     */
    public static String key(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    /**
     * The URL a job POSTs to, on the address the API listens on. The job runs on this host: a wildcard bind
     * (0.0.0.0, ::) is reached on loopback, and an IPv6 address goes in brackets.
     */
    public static String url(String apiHost, int port, String token) {
        String h = apiHost.startsWith("[") && apiHost.endsWith("]") ? apiHost.substring(1, apiHost.length() - 1) : apiHost;
        if (h.equals("0.0.0.0") || h.isEmpty()) h = "127.0.0.1";
        else if (h.equals("::") || h.equals("0:0:0:0:0:0:0:0")) h = "::1";
        if (h.contains(":")) h = "[" + h + "]";
        return "http://" + h + ":" + port + PATH + token;
    }
}
