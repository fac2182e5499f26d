package zed.config;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The files FlatJson writes are the bytes an ObjectMapper's pretty printer wrote before, and read back the same. */
class FlatJsonTest {
    static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void stringsAreWrittenAsTheObjectMapperWroteThemAndReadBack() throws IOException {
        TreeMap<String, String> props = new TreeMap<>(Map.of("com.zed:rev", "4", "compression", "on", "quote\"d", "a\\b\u00e9\n"));
        Path file = tmp.resolve("props.json");
        FlatJson.write(file, props);
        assertEquals(MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(props), Files.readString(file));
        assertEquals(props, FlatJson.readStrings(file));
        assertEquals(props, MAPPER.readValue(file.toFile(), new TypeReference<TreeMap<String, String>>() {
        }));
    }

    @Test
    void wholeNumbersToo() throws IOException {
        TreeMap<String, Integer> ports = new TreeMap<>(Map.of("infra/shop|service.exec.web|vars.port", 38843, "a", 1));
        Path file = tmp.resolve("ports.json");
        FlatJson.write(file, ports);
        assertEquals(MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(ports), Files.readString(file));
        assertEquals(ports, FlatJson.readInts(file));
    }

    @Test
    void somethingElseIsAnErrorNotAWrongMap() throws IOException {
        Path file = tmp.resolve("bad.json");
        Files.writeString(file, "{\"a\": {\"b\": 1}}");
        assertThrows(IOException.class, () -> FlatJson.readStrings(file));
        Files.writeString(file, "{\"a\": \"x\"}");
        assertThrows(IOException.class, () -> FlatJson.readInts(file));
        Files.writeString(file, "[1]");
        assertThrows(IOException.class, () -> FlatJson.readStrings(file));
        Files.writeString(file, "{\"a\": \"x\"");
        assertThrows(IOException.class, () -> FlatJson.readStrings(file));
    }
}
