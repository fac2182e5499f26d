package zed.actors.node;

import java.net.InetAddress;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which names a server certificate is good for (its subject alternative names; its CN only when it has none, as
 * clients read it), and whether one of them is a name the node is reached by. A client that checks the host name, as
 * {@code zed} does, refuses a certificate that names none of them: a node that served one would look up and answer
 * nobody. Pure.
 */
public final class CertificateNames {
    private static final Pattern CN = Pattern.compile("(?:^|,)\\s*CN=([^,]+)");

    private CertificateNames() {
    }

    /** The DNS names and IP addresses the certificate is for. */
    public static List<String> of(X509Certificate cert) {
        List<String> out = new ArrayList<>();
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    int type = (Integer) san.get(0);
                    if (type == 2 || type == 7) out.add(String.valueOf(san.get(1))); // dNSName, iPAddress
                }
            }
        } catch (CertificateParsingException e) {
            return out;
        }
        if (out.isEmpty()) {
            Matcher m = CN.matcher(cert.getSubjectX500Principal().getName());
            if (m.find()) out.add(m.group(1).strip());
        }
        return out;
    }

    /** Whether the certificate's {@code names} cover one of {@code reachedBy} (a wildcard covers one label, as in TLS). */
    public static boolean coversAny(List<String> names, Collection<String> reachedBy) {
        for (String want : reachedBy) for (String name : names) if (covers(name, want)) return true;
        return false;
    }

    static boolean covers(String name, String host) {
        String n = name.toLowerCase(Locale.ROOT), h = host.toLowerCase(Locale.ROOT);
        if (ip(h) || ip(n)) return ip(h) && ip(n) && sameAddress(n, h);
        if (n.startsWith("*.")) {
            int dot = h.indexOf('.');
            return dot > 0 && h.substring(dot).equals(n.substring(1));
        }
        return n.equals(h);
    }

    private static boolean ip(String s) {
        return s.matches("[0-9.]+") || s.contains(":");
    }

    private static boolean sameAddress(String a, String b) {
        try {
            // literals only: getByName parses an address literal without a lookup
            return InetAddress.getByName(a).equals(InetAddress.getByName(b));
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }
}
