package zed.chaos.fuzz;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.Random;

/** Bodies for the API fuzzer: fields of a JSON object set to raw JSON text, and whole bodies that are not what was asked. Pure. */
final class JsonBodies {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How many kinds of whole body {@link #raw} makes. */
    static final int RAW = 22;

    private JsonBodies() {
    }

    /** The body's fields as written, with {@code field} set to {@code json} (raw, not checked) or dropped. */
    static byte[] withField(byte[] body, String field, String json) {
        StringBuilder sb = new StringBuilder("{");
        boolean first = true;
        JsonNode n = tree(body);
        if (n != null && n.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals(field)) continue;
                sb.append(first ? "" : ",").append(quote(e.getKey())).append(':').append(e.getValue().toString());
                first = false;
            }
        }
        if (json != null) sb.append(first ? "" : ",").append(quote(field)).append(':').append(json);
        return sb.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The "source" of a push body, or null. */
    static String source(byte[] body) {
        JsonNode n = tree(body);
        return n != null && n.path("source").isTextual() ? n.get("source").asText() : null;
    }

    static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode tree(byte[] body) {
        try {
            return JSON.readTree(body);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /** Values a field may be set to: wrong types, paths, ids, escapes, huge and deep. */
    static final java.util.List<String> VALUES = java.util.List.of("null", "1", "-1", "1e999999", "true", "[]", "{}", "\"\"", "\"relative/dir\"", "\"/\"",
            "\"" + ApiRequest.DIR + "/../../etc\"", "\"a/b\"", "\"..\"", "\"Zedfile\"", "\"nope\"", "\"fuzz\"", "\"fuzz/app\"", "\"solo\"", "\"fuzz/app/x\"",
            "\"x\\u0000y\"", "\"\\ud800\"", "\"" + "x".repeat(5000) + "\"", "[".repeat(2000) + "]".repeat(2000), "\"@latest\"", "\"@rev:1\"", "{\"a\": [1, {\"b\": null}]}",
            "\"Zedfile.d/x\"", "\"\\\\\"", "\" \"", "\"level \\\"x\\\" {}\"");

    /** A whole body: empty, truncated, not JSON, not an object, deep, huge, not UTF-8, random bytes, or the original doubled. */
    static byte[] raw(int which, Random r, byte[] original) {
        String s = switch (which % RAW) {
            case 0 -> "";
            case 1 -> "{";
            case 2 -> "null";
            case 3 -> "[]";
            case 4 -> "\"x\"";
            case 5 -> "{}";
            case 6 -> "{\"source\":";
            case 7 -> "[".repeat(100_000);
            case 8 -> "{\"a\":".repeat(50_000);
            case 9 -> "[".repeat(900) + "]".repeat(900);
            case 10 -> "{\"source\": \"" + "x".repeat((1 << 20) + 10) + "\", \"dir\": \"/\"}";
            case 11 -> "{\"source\": 1, \"dir\": 2, \"filename\": 3, \"parent\": 4, \"restart\": \"yes\", \"target\": 5}";
            case 12 -> "{\"a\":1,\"a\":2}";
            case 13 -> "1e99999999";
            case 14 -> "{\"source\": \"x\"} trailing";
            default -> null;
        };
        if (s != null) return s.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        switch (which % RAW) {
            case 15 -> {
                byte[] b = new byte[r.nextInt(64)];
                r.nextBytes(b);
                out.writeBytes(b);
            }
            case 16 -> {
                out.writeBytes(new byte[]{(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
                out.writeBytes(original);
            }
            case 17 -> {
                out.writeBytes(original);
                out.writeBytes(new byte[]{(byte) 0xFF, (byte) 0xFE, 0});
            }
            case 18 -> {
                out.writeBytes(original);
                out.writeBytes(original);
            }
            case 19 -> out.writeBytes(java.util.Arrays.copyOf(original, original.length / 2));
            case 20 -> out.writeBytes(new byte[9 << 20]); // above the server's 8 MiB limit
            default -> {
                byte[] b = original.clone();
                for (int i = 0; i < 4 && b.length > 0; i++) b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                out.writeBytes(b);
            }
        }
        return out.toByteArray();
    }
}
