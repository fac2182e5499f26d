package zed.chaos.fuzz;

import zed.config.fuzz.Mutations;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One way a client gets a request wrong: the method, the level id in the path, what follows it or comes before it,
 * the query, a header set, changed, doubled or dropped, a field of the JSON body, the Zedfile in it, or the whole
 * body. Records, so that jqwik shrinks a failing request to the fewest mutations that still fail. Pure.
 */
public sealed interface ApiMutation {
    ApiRequest apply(ApiRequest r);

    record Method(String method) implements ApiMutation {
        public ApiRequest apply(ApiRequest r) {
            return r.withMethod(method);
        }
    }

    /** The level id after {@code /v1/levels/}, up to the action or the query. */
    record Id(String id) implements ApiMutation {
        private static final Pattern LEVEL = Pattern.compile("^(/v1/levels/)([^?]*?)(/(?:plan|rollback|sudo))?(\\?.*)?$");

        public ApiRequest apply(ApiRequest r) {
            Matcher m = LEVEL.matcher(r.target());
            if (!m.matches()) return r.withTarget("/v1/levels/" + id);
            return r.withTarget(m.group(1) + id + (m.group(3) == null ? "" : m.group(3)) + (m.group(4) == null ? "" : m.group(4)));
        }
    }

    record Suffix(String suffix) implements ApiMutation {
        public ApiRequest apply(ApiRequest r) {
            int q = r.target().indexOf('?');
            return r.withTarget(q < 0 ? r.target() + suffix : r.target().substring(0, q) + suffix + r.target().substring(q));
        }
    }

    /** A path of another shape altogether: {@code /v1/level}, absolute-form, {@code *}, dot segments. */
    record Path(String path) implements ApiMutation {
        public ApiRequest apply(ApiRequest r) {
            String t = r.target();
            return r.withTarget(t.startsWith("/v1/levels") ? path + t.substring("/v1/levels".length()) : path);
        }
    }

    record Query(String query) implements ApiMutation {
        public ApiRequest apply(ApiRequest r) {
            return r.withTarget(r.target() + (r.target().contains("?") ? "&" + query.substring(1) : query));
        }
    }

    /** Sets a header (null: drops it). */
    record Header(String name, String value) implements ApiMutation {
        public ApiRequest apply(ApiRequest r) {
            return r.withHeader(name, value);
        }
    }

    /** Adds a header beside any of the same name. */
    record ExtraHeader(String name, String value) implements ApiMutation {
        public ApiRequest apply(ApiRequest r) {
            return r.plusHeader(name, value);
        }
    }

    /** {@code count} more headers, past the server's limit on how many a request may have when there are many. */
    record Many(int count) implements ApiMutation {
        public ApiRequest apply(ApiRequest r) {
            ApiRequest out = r;
            for (int i = 0; i < count; i++) out = out.plusHeader("X-Many-" + i, "v");
            return out;
        }
    }

    /** A field of the JSON body set to raw JSON text (null: the field dropped); any other body becomes an object. */
    record Field(String field, String json) implements ApiMutation {
        public ApiRequest apply(ApiRequest r) {
            return r.withBody(JsonBodies.withField(r.body(), field, json));
        }
    }

    /** The pushed Zedfile, mutated as the Zedfile fuzzer mutates it. */
    record Source(List<Mutations.Edit> edits) implements ApiMutation {
        public ApiRequest apply(ApiRequest r) {
            String source = JsonBodies.source(r.body());
            if (source == null) return r;
            String mutated = new String(Mutations.apply(source.getBytes(StandardCharsets.UTF_8), edits), StandardCharsets.UTF_8);
            return r.withBody(JsonBodies.withField(r.body(), "source", JsonBodies.quote(mutated)));
        }
    }

    /** The whole body replaced by one of {@link JsonBodies#raw}. */
    record Body(int which, int seed) implements ApiMutation {
        public ApiRequest apply(ApiRequest r) {
            return r.withBody(JsonBodies.raw(which, new Random(seed), r.body()));
        }
    }

    /** The body sent in chunks, well formed or with a chunk size that is not hex; the request is complete either way. */
    record Chunked(int size, boolean malformed) implements ApiMutation {
        public ApiRequest apply(ApiRequest r) {
            byte[] b = r.body();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int step = Math.max(1, size);
            for (int i = 0; i < b.length; i += step) {
                int n = Math.min(step, b.length - i);
                out.writeBytes(((malformed && i == 0 ? "zz" : Integer.toHexString(n)) + (size % 3 == 0 ? ";ext=1" : "") + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(b, i, n);
                out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            return r.withHeader("Content-Length", null).withHeader("Transfer-Encoding", "chunked").withBody(out.toByteArray());
        }
    }
}
