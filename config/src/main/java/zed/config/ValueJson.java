package zed.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * JSON form of {@link Value}. Objects are written with sorted keys, so the same value always gives the same bytes
 * (the drift hash depends on it). A {@link Value.Secret} is written as {@code {"$secret": [parts]}}; user objects
 * cannot collide with it because keys starting with {@code $} are rejected by the validator.
 */
public final class ValueJson {
    static final String SECRET_KEY = "$secret";
    /** jackson-core alone: an ObjectMapper here made every evaluation (and every command line) build one. */
    private static final JsonFactory FACTORY = new JsonFactory();

    private ValueJson() {
    }

    public static String canonical(Value v) {
        try {
            StringWriter w = new StringWriter();
            try (JsonGenerator g = FACTORY.createGenerator(w)) {
                write(v, g);
            }
            return w.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Value parse(String json) {
        try (JsonParser p = FACTORY.createParser(json)) {
            p.nextToken();
            return read(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void write(Value v, JsonGenerator g) throws IOException {
        if (v instanceof Value.Str s) {
            g.writeString(s.value());
        } else if (v instanceof Value.Num n) {
            g.writeNumber(n.plain());
        } else if (v instanceof Value.Bool b) {
            g.writeBoolean(b.value());
        } else if (v instanceof Value.Null) {
            g.writeNull();
        } else if (v instanceof Value.ListV l) {
            g.writeStartArray();
            for (Value i : l.items()) write(i, g);
            g.writeEndArray();
        } else if (v instanceof Value.ObjV o) {
            g.writeStartObject();
            for (Map.Entry<String, Value> e : new TreeMap<>(o.fields()).entrySet()) {
                g.writeFieldName(e.getKey());
                write(e.getValue(), g);
            }
            g.writeEndObject();
        } else if (v instanceof Value.Secret s) {
            g.writeStartObject();
            g.writeFieldName(SECRET_KEY);
            g.writeStartArray();
            for (Object p : s.parts()) {
                if (p instanceof String str) {
                    g.writeString(str);
                } else {
                    Value.SecretRef r = (Value.SecretRef) p;
                    g.writeStartObject(); // keys in sorted order, as everywhere in canonical JSON
                    if (r.field() != null) g.writeStringField("field", r.field());
                    g.writeStringField("slot", r.slot());
                    g.writeEndObject();
                }
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    static Value read(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        switch (t) {
            case VALUE_STRING:
                return new Value.Str(p.getText());
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return new Value.Num(p.getDecimalValue());
            case VALUE_TRUE:
                return Value.Bool.TRUE;
            case VALUE_FALSE:
                return Value.Bool.FALSE;
            case VALUE_NULL:
                return Value.Null.NULL;
            case START_ARRAY: {
                List<Value> items = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) items.add(read(p));
                return new Value.ListV(items);
            }
            case START_OBJECT: {
                Map<String, Value> fields = new LinkedHashMap<>();
                while (p.nextToken() != JsonToken.END_OBJECT) {
                    String key = p.currentName();
                    p.nextToken();
                    if (key.equals(SECRET_KEY) && fields.isEmpty()) return readSecret(p);
                    fields.put(key, read(p));
                }
                return new Value.ObjV(fields);
            }
            default:
                throw new IOException("unexpected JSON token " + t);
        }
    }

    private static Value readSecret(JsonParser p) throws IOException {
        List<Object> parts = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() == JsonToken.VALUE_STRING) {
                parts.add(p.getText());
            } else {
                String slot = null, field = null;
                while (p.nextToken() != JsonToken.END_OBJECT) {
                    String k = p.currentName();
                    p.nextToken();
                    if (k.equals("slot")) slot = p.getText();
                    else if (k.equals("field")) field = p.getText();
                }
                parts.add(new Value.SecretRef(slot, field));
            }
        }
        p.nextToken(); // END_OBJECT of the wrapper
        return new Value.Secret(parts);
    }

    public static final class Writer extends JsonSerializer<Value> {
        @Override
        public void serialize(Value value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            write(value, gen);
        }
    }

    public static final class Reader extends JsonDeserializer<Value> {
        @Override
        public Value deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            return read(p);
        }

        @Override
        public Value getNullValue(DeserializationContext ctxt) {
            return Value.Null.NULL;
        }
    }
}
