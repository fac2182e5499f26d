package zed.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Small files that hold one JSON object of names to strings or whole numbers (a dataset's properties in the dir store,
 * the command line's port table), read and written with jackson-core alone. An ObjectMapper would read them too, but
 * building one costs a short-lived command line a tenth of a second or more. Written as the ObjectMapper's default
 * pretty printer writes them, so files stay byte for byte what they were.
 */
public final class FlatJson {
    private static final JsonFactory FACTORY = new JsonFactory();

    private FlatJson() {
    }

    /** Names to strings; numbers and booleans are read as their text, null as null. */
    public static TreeMap<String, String> readStrings(Path file) throws IOException {
        return read(file, (p, name) -> {
            if (!p.currentToken().isScalarValue()) throw new IOException(file + ": " + name + " is not a string");
            return p.getValueAsString();
        });
    }

    /** Names to whole numbers that fit an int. */
    public static TreeMap<String, Integer> readInts(Path file) throws IOException {
        return read(file, (p, name) -> {
            if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) throw new IOException(file + ": " + name + " is not a whole number");
            return p.getIntValue();
        });
    }

    /** How one value is read, the parser standing on it. */
    private interface ValueReader<V> {
        V read(JsonParser p, String name) throws IOException;
    }

    private static <V> TreeMap<String, V> read(Path file, ValueReader<V> value) throws IOException {
        TreeMap<String, V> out = new TreeMap<>();
        try (JsonParser p = FACTORY.createParser(file.toFile())) {
            expect(p, p.nextToken(), JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                out.put(name, value.read(p, name));
            }
            expect(p, p.currentToken(), JsonToken.END_OBJECT);
        }
        return out;
    }

    /** Writes {@code values} (strings or numbers) in the order of their map, pretty printed. */
    public static void write(Path file, Map<String, ?> values) throws IOException {
        try (OutputStream out = Files.newOutputStream(file); JsonGenerator g = FACTORY.createGenerator(out)) {
            g.setPrettyPrinter(new DefaultPrettyPrinter());
            g.writeStartObject();
            for (Map.Entry<String, ?> e : values.entrySet()) {
                g.writeFieldName(e.getKey());
                Object v = e.getValue();
                if (v == null) g.writeNull();
                else if (v instanceof Integer || v instanceof Long) g.writeNumber(((Number) v).longValue());
                else g.writeString(v.toString());
            }
            g.writeEndObject();
        }
    }

    private static void expect(JsonParser p, JsonToken seen, JsonToken wanted) throws IOException {
        if (seen != wanted) throw new IOException("expected " + wanted + " at " + p.currentLocation() + ", not " + seen);
    }
}
