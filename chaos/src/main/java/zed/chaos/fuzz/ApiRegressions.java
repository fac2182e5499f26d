package zed.chaos.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Every request that ever failed the API fuzzer, kept in the source tree ({@code
 * chaos/src/test/resources/fuzz-regressions/api/NNN.json}, placeholders and all) and replayed against a live node by
 * a plain test on every build.
 */
public final class ApiRegressions {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ApiRegressions() {
    }

    /** Under $ZED_REPO (set by the build and by scripts/chaos.sh), else below the working directory. */
    public static Path dir() {
        String repo = System.getenv("ZED_REPO");
        Path rel = Path.of("chaos", "src", "test", "resources", "fuzz-regressions", "api");
        if (repo != null) return Path.of(repo).resolve(rel);
        return Files.isDirectory(Path.of("src", "test", "resources")) ? Path.of("src", "test", "resources", "fuzz-regressions", "api") : rel;
    }

    /** Keeps a failing request once; the file it is kept in. */
    public static synchronized Path save(Path dir, ApiRequest r) {
        try {
            Files.createDirectories(dir);
            Map<String, ApiRequest> kept = load(dir);
            for (Map.Entry<String, ApiRequest> e : kept.entrySet()) if (e.getValue().equals(r)) return dir.resolve(e.getKey() + ".json");
            int next = kept.keySet().stream().mapToInt(Integer::parseInt).max().orElse(0) + 1;
            Path p = dir.resolve(String.format("%03d.json", next));
            Files.writeString(p, JSON.writeValueAsString(json(r)) + "\n");
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Map<String, ApiRequest> load(Path dir) {
        Map<String, ApiRequest> out = new TreeMap<>();
        if (!Files.isDirectory(dir)) return out;
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                String name = p.getFileName().toString();
                if (name.matches("\\d{3,}\\.json")) out.put(name.substring(0, name.length() - 5), request(JSON.readTree(p.toFile())));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    static ObjectNode json(ApiRequest r) {
        ObjectNode o = JSON.createObjectNode();
        o.put("method", r.method());
        o.put("target", r.target());
        ArrayNode hs = o.putArray("headers");
        for (ApiRequest.Header h : r.headers()) hs.addArray().add(h.name()).add(h.value());
        String text = utf8(r.body());
        if (text != null) o.put("body", text);
        else o.put("bodyBase64", Base64.getEncoder().encodeToString(r.body()));
        return o;
    }

    static ApiRequest request(JsonNode o) {
        List<ApiRequest.Header> hs = new ArrayList<>();
        for (JsonNode h : o.path("headers")) hs.add(new ApiRequest.Header(h.get(0).asText(), h.get(1).asText()));
        byte[] body = o.has("bodyBase64") ? Base64.getDecoder().decode(o.get("bodyBase64").asText()) : o.path("body").asText("").getBytes(StandardCharsets.UTF_8);
        return new ApiRequest(o.get("method").asText(), o.get("target").asText(), hs, body);
    }

    private static String utf8(byte[] b) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
