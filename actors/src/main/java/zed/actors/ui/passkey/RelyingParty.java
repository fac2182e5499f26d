package zed.actors.ui.passkey;

import java.util.Locale;

/**
 * Who a passkey is for: WebAuthn's relying party, the host name the operator opened the dashboard at ({@code id}),
 * and the origin its pages run in. WebAuthn refuses a bare IP address as a relying party: a page opened at
 * {@code http://127.0.0.1:7700} cannot make or use a passkey, and says so ({@link #refusal}). Pure.
 */
public record RelyingParty(String id, String origin) {
    /** The relying party of a page at {@code scheme://host:port}; call only when {@link #refusal} is null. */
    public static RelyingParty of(String scheme, String host, int port) {
        String h = host.toLowerCase(Locale.ROOT);
        boolean usual = port <= 0 || (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
        return new RelyingParty(h, scheme + "://" + h + (usual ? "" : ":" + port));
    }

    /** Null when passkeys work at {@code host}; else why not, in words for the page. */
    public static String refusal(String host, int port) {
        if (!ipAddress(host)) return null;
        String at = "localhost" + (port > 0 ? ":" + port : "");
        return "Passkeys need the node's host name in the address bar, not the IP address " + host + " (WebAuthn refuses addresses): "
                + "open this page at its name, e.g. http://" + at + "/ui/login on this machine, or the name in the node's certificate.";
    }

    static boolean ipAddress(String host) {
        return host.contains(":") || host.startsWith("[") || host.matches("[0-9.]+");
    }
}
