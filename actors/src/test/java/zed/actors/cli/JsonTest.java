package zed.actors.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The command line's JSON without an ObjectMapper reads and writes what an ObjectMapper does. */
class JsonTest {
    static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void aTreeReadsAsTheObjectMapperReadsIt() throws Exception {
        String answer = "{\"level\":\"shop\",\"revision\":3,\"big\":12345678901234,\"huge\":123456789012345678901234,\"ratio\":0.5,"
                + "\"ok\":true,\"no\":false,\"error\":null,\"resources\":[{\"kind\":\"service\",\"name\":\"web\\u00e9\\n\"},[],{}]}";
        JsonNode ours = Json.readOrNull(answer);
        assertEquals(MAPPER.readTree(answer), ours);
        assertEquals(answer.replace("\\u00e9", "\u00e9"), Json.write(ours));
        assertEquals(MAPPER.writeValueAsString(ours), Json.write(ours));
    }

    @Test
    void aBodyWritesAsTheObjectMapperWritesIt() throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("source", "level \"x\" {}\n\"quoted\"");
        body.put("restart", true);
        body.put("n", 7L);
        body.put("nothing", null);
        body.put("list", List.of("a", 1));
        assertEquals(MAPPER.writeValueAsString(body), Json.write(body));
    }

    @Test
    void nothingOrSomethingElseIsNoTree() {
        assertNull(Json.readOrNull(""));
        assertNull(Json.readOrNull("  "));
        assertNull(Json.readOrNull("not json"));
        assertNull(Json.readOrNull("{\"a\":"));
    }
}
