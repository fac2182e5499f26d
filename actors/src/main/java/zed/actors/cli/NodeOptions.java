package zed.actors.cli;

import picocli.CommandLine;
import picocli.CommandLine.Option;
import zed.actors.http.ApiToken;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Which node a command talks to, and with which token; mixed into every command that talks to one. The node:
 * {@code --node URL}, else {@code $ZED_NODE}, else {@code $ZED_URL} (its older name), else http://127.0.0.1:7700. The
 * token: {@code $ZED_TOKEN}, else the file {@code $ZED_HOME/api-token}, each checked the same way and never shown in
 * an error. On an https:// node, the certificates of {@link NodeTrust}.
 */
final class NodeOptions {
    static final URI DEFAULT = URI.create("http://127.0.0.1:7700");

    @Option(names = "--node", paramLabel = "URL", converter = Url.class,
            description = "the node to talk to, any node of the cluster (default: $ZED_NODE, else http://127.0.0.1:7700)")
    URI node;

    /** Where ZED_HOME, ZED_NODE, ZED_URL and ZED_TOKEN are read: this process's environment, or a test's. */
    Map<String, String> env = System.getenv();

    /** {@code $ZED_HOME}, default {@code ~/.zed}. */
    Path home() {
        return ZedCommand.zedHome(env);
    }

    /** @throws IllegalStateException when ZED_NODE or ZED_URL is not an http(s) URL, or ZED_TOKEN is not a token */
    NodeClient client() {
        Path home = home();
        return new NodeClient(base(), ApiToken.file(home), token(home), () -> NodeTrust.of(env, home));
    }

    URI base() {
        if (node != null) return node;
        for (String name : List.of("ZED_NODE", "ZED_URL")) {
            String v = env.get(name);
            if (v == null || v.isEmpty()) continue;
            URI u = url(v);
            if (u == null) throw new IllegalStateException(name + " is not an http:// or https:// URL with a host: " + v);
            return u;
        }
        return DEFAULT;
    }

    /** {@code $ZED_TOKEN}, checked as a token file's content is; null when it is not set (the file's is used). */
    private String token(Path home) {
        String t = env.get("ZED_TOKEN");
        if (t == null) return null;
        String flaw = ApiToken.flaw(t.strip());
        if (flaw != null) {
            throw new IllegalStateException("ZED_TOKEN holds " + flaw + "; a token has at least " + ApiToken.MIN_LENGTH
                    + " printable characters: set it to the node's (its $ZED_HOME/api-token), or unset it to use " + ApiToken.file(home));
        }
        return t.strip();
    }

    /** {@code s} as the base of the API, or null when it is not an http:// or https:// URL with a host. */
    static URI url(String s) {
        try {
            URI u = new URI(s);
            return ("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null ? u : null;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    static final class Url implements CommandLine.ITypeConverter<URI> {
        @Override
        public URI convert(String value) {
            URI u = url(value);
            if (u == null) throw new CommandLine.TypeConversionException("not an http:// or https:// URL with a host: '" + value + "'");
            return u;
        }
    }
}
