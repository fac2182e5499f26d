package zed.actors.ui.ssh;

import zed.actors.http.Scope;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The keys of an {@code authorized_keys} file that may log in: {@code ssh-ed25519} and {@code ssh-rsa} lines, with
 * options before the key and a comment after it tolerated, as OpenSSH writes them (sshd(8), AUTHORIZED_KEYS FILE
 * FORMAT). Zed's own option {@code zed-scope="read"} (or {@code deploy}, {@code admin}) gives the key's sessions that
 * scope; a key without it logs in as {@code admin}, as the node's own token does: the file is root's (or the node
 * user's), and listing a key there is already an administrator's act. Every other line that is not blank or a comment is skipped with its reason: another key type, a broken
 * key, or an option that limits the key in a way this login does not apply ({@code from=}, {@code expiry-time=}...;
 * the key is not used rather than used without its limit). Pure.
 */
public record AuthorizedKeys(List<Listed> keys, List<Skipped> skipped) {
    /** A key that may log in, with its line's comment (often who it is), its line number, and its sessions' scope. */
    public record Listed(SshKey key, String comment, int line, Scope scope) {
    }

    /** The option that narrows a key's sessions: {@code zed-scope="read"}. */
    static final String SCOPE_OPTION = "zed-scope";

    public record Skipped(int line, String why) {
    }

    /**
     * Options that only narrow what an SSH session may do: a login to Zed has none of those, so they change nothing
     * here. Any other option (from=, expiry-time=, cert-authority, verify-required, ...) limits who or when, and its
     * line is skipped.
     */
    private static final Set<String> SESSION_ONLY = Set.of("agent-forwarding", "command", "environment", "no-agent-forwarding", "no-port-forwarding",
            "no-pty", "no-user-rc", "no-x11-forwarding", "permitlisten", "permitopen", "port-forwarding", "pty", "restrict", "tunnel", "user-rc",
            "x11-forwarding", "no-touch-required");

    public AuthorizedKeys {
        keys = List.copyOf(keys);
        skipped = List.copyOf(skipped);
    }

    public static AuthorizedKeys parse(String text) {
        List<Listed> keys = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            try {
                keys.add(listed(line, i + 1));
            } catch (IllegalArgumentException e) {
                skipped.add(new Skipped(i + 1, e.getMessage()));
            }
        }
        return new AuthorizedKeys(keys, skipped);
    }

    /** The listed key whose blob is {@code blob}, or null. */
    public Listed find(byte[] blob) {
        for (Listed l : keys) if (l.key().same(blob)) return l;
        return null;
    }

    private static Listed listed(String line, int number) {
        String rest = line;
        Scope scope = Scope.ADMIN;
        if (!keyType(firstToken(rest))) {
            String options = optionsOf(rest);
            scope = scopeOf(options);
            String limiting = limitingOption(options);
            if (limiting != null) {
                throw new IllegalArgumentException("the option " + limiting + " limits this key, and a login to Zed does not apply it: the key is not used"
                        + " (list it on a line without that option to let it log in)");
            }
            rest = rest.substring(options.length()).strip();
        }
        String type = firstToken(rest);
        rest = rest.substring(type.length()).strip();
        String base64 = firstToken(rest);
        String comment = rest.substring(base64.length()).strip();
        if (!keyType(type) || base64.isEmpty()) throw new IllegalArgumentException("not a key line: TYPE BASE64 [COMMENT], after options if any");
        byte[] blob;
        try {
            blob = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the " + type + " key is not base64");
        }
        if (!type.equals("ssh-ed25519") && !type.equals("ssh-rsa")) {
            throw new IllegalArgumentException("a " + type + " key: a login accepts ssh-ed25519 and ssh-rsa keys");
        }
        String inBlob;
        try {
            inBlob = new Wire(blob, "the key").text("type");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the " + type + " key is broken: " + e.getMessage());
        }
        if (!inBlob.equals(type)) throw new IllegalArgumentException("the line says " + type + " but its key is " + inBlob);
        return new Listed(SshKey.of(blob), comment, number, scope);
    }

    private static boolean keyType(String token) {
        return token.matches("(ssh|ecdsa|sk)-[A-Za-z0-9@.-]+");
    }

    private static String firstToken(String s) {
        int i = 0;
        while (i < s.length() && !Character.isWhitespace(s.charAt(i))) i++;
        return s.substring(0, i);
    }

    /** The options at the start of a line: up to the first whitespace outside double quotes. */
    private static String optionsOf(String line) {
        boolean quoted = false;
        int i = 0;
        for (; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && quoted && i + 1 < line.length()) i++;
            else if (c == '"') quoted = !quoted;
            else if (!quoted && Character.isWhitespace(c)) break;
        }
        if (quoted) throw new IllegalArgumentException("the options have an unclosed quote");
        return line.substring(0, i);
    }

    /** The scope {@code zed-scope="..."} names; admin without it. A word that is no scope skips the line: never more than meant. */
    private static Scope scopeOf(String options) {
        Scope scope = Scope.ADMIN;
        boolean seen = false;
        for (String option : split(options)) {
            int eq = option.indexOf('=');
            if (eq < 0 || !option.substring(0, eq).toLowerCase(Locale.ROOT).equals(SCOPE_OPTION)) continue;
            if (seen) throw new IllegalArgumentException("the option " + SCOPE_OPTION + " is given twice");
            seen = true;
            String word = option.substring(eq + 1);
            if (word.length() >= 2 && word.startsWith("\"") && word.endsWith("\"")) word = word.substring(1, word.length() - 1);
            try {
                scope = Scope.of(word);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("the option " + SCOPE_OPTION + ": " + e.getMessage());
            }
        }
        return scope;
    }

    /** The options, split at commas outside double quotes. */
    private static List<String> split(String options) {
        List<String> out = new ArrayList<>();
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i <= options.length(); i++) {
            char c = i < options.length() ? options.charAt(i) : ',';
            if (c == '\\' && quoted) i++;
            else if (c == '"') quoted = !quoted;
            else if (c == ',' && !quoted) {
                out.add(options.substring(start, i));
                start = i + 1;
            }
        }
        return out;
    }

    /** The first option that is not {@link #SESSION_ONLY} (nor Zed's scope), or null. */
    private static String limitingOption(String options) {
        for (String option : split(options)) {
            int eq = option.indexOf('=');
            String name = (eq < 0 ? option : option.substring(0, eq)).toLowerCase(Locale.ROOT);
            if (!SESSION_ONLY.contains(name) && !name.equals(SCOPE_OPTION)) return eq < 0 ? name : name + "=";
        }
        return null;
    }
}
