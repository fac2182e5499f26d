package zed.chaos.fuzz;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import zed.config.fuzz.Mutations;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Mutated requests to the API: a call made right ({@link ApiCalls}) and up to four {@link ApiMutation}s of it. A
 * third are sent as made; the mutations reach the method, the path and the level id (encoded, huge, non-ASCII,
 * {@code ..}, {@code %2F}, empty segments, action words), the query, Host, Origin, Content-Type, Authorization,
 * Last-Event-ID and stranger headers, and the body. Pure.
 */
public final class ApiRequests {
    static final List<String> METHODS = List.of("GET", "PUT", "POST", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "BREW", "get", "Put", "G\u00c9T");
    static final List<String> IDS = List.of("", "..", ".", "%2E%2E", "a%2Fb", "fuzz%2Fapp", "fuzz/app", "%2F", "%2F%2F", "a//b", "fuzz//app", "x".repeat(5000),
            "x".repeat(129), "x".repeat(128), "h\u00e9llo", "%C3%A9", "%FF", "%", "%zz", "%00", "plan", "rollback", "sudo", "fuzz/plan", "fuzz%2Fplan",
            "a%20b", "~", "-", "_", "a;b", "a#b", "fuzz/app/", "/fuzz", "fuzz%2F", "..%2F..%2Fetc", "a/" .repeat(600) + "a", "\u65e5\u672c", "%E6%97%A5");
    static final List<String> SUFFIXES = List.of("/", "//", "/plan", "/rollback", "/sudo", "/x", "/plan/plan", "/..", "/%2e%2e/health", "/plan/", ";x", "%");
    static final List<String> PATHS = List.of("/v1/level", "/V1/levels", "//v1/levels", "/v1/./levels", "/v1/levels/../health", "http://127.0.0.1:" + ApiRequest.PORT + "/v1/levels",
            "*", "/", "/v1", "/v1/", "/v2/levels", "/metrics", "/v1/health/", "/v1/events/x", "/v1/levels%2F", "http://evil.example.com/v1/levels", "v1/levels");
    static final List<String> QUERIES = List.of("?cascade=true", "?destroy=maybe", "?cascade=1", "?level=fuzz", "?level=..", "?level=", "?children=true",
            "?level=fuzz&children=yes", "?a=%", "?%%", "?=", "?&&&", "?" + "a=b&".repeat(1000), "?level=fuzz%2Fapp", "?level=" + "x".repeat(3000), "?#frag");
    static final List<String> HOSTS = List.of("localhost:" + ApiRequest.PORT, "LOCALHOST", "[::1]:" + ApiRequest.PORT, "::1", "127.0.0.1", "evil.example.com",
            "evil.example.com:" + ApiRequest.PORT, "127.0.0.1.nip.io", "", "127.0.0.1:", "127.0.0.1:99999", "127.0.0.1:-1", "127.0.0.1:abc", "[::1", "h\u00e9llo",
            "127.0.0.1 evil", "a".repeat(5000), "0x7f000001", "127.1", "localhost.", "[fe80::1%eth0]", "127.0.0.1:" + ApiRequest.PORT + "@evil.example.com");
    static final List<String> ORIGINS = List.of("http://127.0.0.1:" + ApiRequest.PORT, "http://localhost", "https://[::1]:1", "null", "http://evil.example.com",
            "file://", "chrome-extension://abc", "http://127.0.0.1.evil.example.com", "not a url", "http://", "http://[::1", "", "http://user@127.0.0.1/",
            "ftp://127.0.0.1", "http://" + "a".repeat(3000), "http://localhost:" + ApiRequest.PORT + "/x?y#z", "HTTP://LOCALHOST");
    static final List<String> CONTENT_TYPES = List.of("application/json; charset=utf-8", "APPLICATION/JSON", "application/json;charset=latin1", "text/plain",
            "text/plain; charset=utf-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json, text/plain", "application/",
            "/", ";", "", "application/jsonx", "application/problem+json", "application/json; q=\"", "application/json; charset=\u00e9");
    static final List<String> AUTHORIZATIONS = List.of("bearer " + ApiRequest.TOKEN, "Bearer  " + ApiRequest.TOKEN, "Bearer " + ApiRequest.TOKEN + " ",
            "Bearer " + ApiRequest.TOKEN + "x", "Bearer x" + ApiRequest.TOKEN, "Bearer", "Bearer ", "", "Basic dXNlcjpwYXNz", "Token " + ApiRequest.TOKEN,
            "Bearer wrong", "Bearer " + "a".repeat(10_000), "Bearer \u00e9", "Bearer " + ApiRequest.TOKEN + "\t");
    static final List<String> EVENT_IDS = List.of("0", "1", "3", "-1", "abc", "99999999999999999999", " 2 ", "", "1.5", "\uff11", "9".repeat(18));
    static final List<String[]> STRANGE = List.of(new String[]{"Expect", "100-continue"}, new String[]{"Transfer-Encoding", "gzip"},
            new String[]{"Content-Length", "-1"}, new String[]{"Content-Length", "abc"}, new String[]{"Content-Length", "0"},
            new String[]{"Content-Length", "99999999999999999999"}, new String[]{"X-\u00dcnicode", "v"}, new String[]{"Bad Header", "v"}, new String[]{"", "v"},
            new String[]{":authority", "x"}, new String[]{"X-Nul", "a\u0000b"}, new String[]{"X-Long", "a".repeat(100_000)}, new String[]{"Accept", "text/event-stream"},
            new String[]{"Upgrade", "websocket"}, new String[]{"Connection", "keep-alive, Upgrade"}, new String[]{"Cookie", "a=b; c"}, new String[]{"X-Split", "a\r\nX-Injected: 1"},
            new String[]{"Host", "127.0.0.1:" + ApiRequest.PORT}, new String[]{"Authorization", "Bearer wrong"}, new String[]{"Content-Type", "text/plain"},
            new String[]{"Accept-Encoding", "gzip, br"}, new String[]{"Accept", "application/xml"}, new String[]{"Range", "bytes=0-1"}, new String[]{"X-Obs", "a\r\n b"});

    private ApiRequests() {
    }

    /** A call made right and its mutations; {@link #request()} is what is sent. The Chunked encoding, when chosen, is applied last and once. */
    public record Mutant(ApiRequest made, List<ApiMutation> mutations) {
        public ApiRequest request() {
            List<ApiMutation> ordered = new ArrayList<>(mutations);
            ordered.sort(Comparator.comparing(m -> m instanceof ApiMutation.Chunked));
            ApiRequest out = made;
            boolean chunked = false;
            for (ApiMutation m : ordered) {
                if (m instanceof ApiMutation.Chunked && chunked) continue;
                chunked |= m instanceof ApiMutation.Chunked;
                out = m.apply(out);
            }
            return out;
        }

        @Override
        public String toString() {
            return mutations + request().toString();
        }
    }

    public static Arbitrary<Mutant> requests() {
        Arbitrary<List<ApiMutation>> mutations = Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(List.of())), Tuple.of(2, mutation().list().ofMinSize(1).ofMaxSize(4)));
        return Combinators.combine(call(), mutations).as(Mutant::new);
    }

    static Arbitrary<ApiRequest> call() {
        List<String> ids = new ArrayList<>(ApiCalls.PUSHED);
        ids.addAll(ApiCalls.UNKNOWN);
        return Combinators.combine(Arbitraries.integers().between(0, ApiCalls.KINDS - 1), Arbitraries.of(ids), Arbitraries.of(false, true), Arbitraries.integers().between(0, 1000))
                .as(ApiCalls::call);
    }

    static Arbitrary<ApiMutation> mutation() {
        Arbitrary<String> anyHeaderName = Arbitraries.of("Host", "Origin", "Content-Type", "Authorization", "Last-Event-ID");
        return Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.of(METHODS).map(ApiMutation.Method::new)),
                Tuple.of(4, Arbitraries.of(IDS).map(ApiMutation.Id::new)),
                Tuple.of(1, Arbitraries.of(SUFFIXES).map(ApiMutation.Suffix::new)),
                Tuple.of(1, Arbitraries.of(PATHS).map(ApiMutation.Path::new)),
                Tuple.of(2, Arbitraries.of(QUERIES).map(ApiMutation.Query::new)),
                Tuple.of(2, Arbitraries.of(HOSTS).map(h -> new ApiMutation.Header("Host", h))),
                Tuple.of(2, Arbitraries.of(ORIGINS).map(o -> new ApiMutation.Header("Origin", o))),
                Tuple.of(2, Arbitraries.of(CONTENT_TYPES).map(c -> new ApiMutation.Header("Content-Type", c))),
                Tuple.of(2, Arbitraries.of(AUTHORIZATIONS).map(a -> new ApiMutation.Header("Authorization", a))),
                Tuple.of(1, Arbitraries.of(EVENT_IDS).map(e -> new ApiMutation.Header("Last-Event-ID", e))),
                Tuple.of(2, anyHeaderName.map(n -> new ApiMutation.Header(n, null))),
                Tuple.of(2, Arbitraries.of(STRANGE).map(h -> new ApiMutation.ExtraHeader(h[0], h[1]))),
                Tuple.of(1, Arbitraries.integers().between(1, 200).map(ApiMutation.Many::new)),
                Tuple.of(3, Combinators.combine(Arbitraries.of("source", "dir", "filename", "parent", "restart", "target", "unknown"),
                        Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just((String) null)), Tuple.of(6, Arbitraries.of(JsonBodies.VALUES)))).as(ApiMutation.Field::new)),
                Tuple.of(6, Mutations.edits().list().ofMinSize(1).ofMaxSize(6).map(ApiMutation.Source::new)),
                Tuple.of(2, Combinators.combine(Arbitraries.integers().between(0, JsonBodies.RAW - 1), Arbitraries.integers()).as(ApiMutation.Body::new)),
                Tuple.of(1, Combinators.combine(Arbitraries.integers().between(1, 300), Arbitraries.of(false, true)).as(ApiMutation.Chunked::new)));
    }
}
