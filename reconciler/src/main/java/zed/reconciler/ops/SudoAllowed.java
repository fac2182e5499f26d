package zed.reconciler.ops;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sudo hooks' applies a host's operator allowed zed ops to run as root ({@code zed ops --sudo-allowed}): a line
 * per apply, {@code SHA256HEX  free text naming it} (the digest of the apply's exact text, in UTF-8), blank lines and
 * {@code #} comments. Only the digest counts; the text after it is for the operator. Pure: no I/O.
 *
 * @param names the allowed digests (lower-case hex) and what their lines call them
 */
public record SudoAllowed(Map<String, String> names) {
    /** {@code zed ops --sudo-allowed}'s default. */
    public static final java.nio.file.Path DEFAULT_FILE = java.nio.file.Path.of("/etc/zed/sudo-allowed");
    private static final Pattern LINE = Pattern.compile("([0-9A-Fa-f]{64})(?:\\s+(.*))?");

    public SudoAllowed {
        names = Map.copyOf(names);
    }

    /**
     * @param source the file's name, for the error
     * @throws IllegalArgumentException at the first line that is neither a digest's nor a comment, naming it
     *                                  ({@code source:3: ...}): a list with a broken line allows nothing until it is mended
     */
    public static SudoAllowed parse(String text, String source) {
        Map<String, String> names = new LinkedHashMap<>();
        int n = 0;
        for (String raw : text.split("\n", -1)) {
            n++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                throw new IllegalArgumentException(source + ":" + n + ": not \"SHA256HEX  name\" (64 hex digits, the sha256 of an apply's text, then what it is)");
            }
            names.putIfAbsent(m.group(1).toLowerCase(Locale.ROOT), m.group(2) == null ? "" : m.group(2).strip());
        }
        return new SudoAllowed(names);
    }

    public boolean allows(String digest) {
        return names.containsKey(digest);
    }

    /** The sha256 of {@code command}'s UTF-8 bytes, lower-case hex: as {@code printf %s "$apply" | sha256sum} prints it. */
    public static String digest(String command) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(command.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    /** The line that allows {@code digest}, named {@code name}: two spaces between, as sha256sum prints them. */
    public static String line(String digest, String name) {
        return digest + "  " + name;
    }
}
