package zed.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A resolved Zedfile value. Mirrors JSON, plus {@link Secret}: a string that contains references to secret slots,
 * resolved on the host at start time and never printed.
 */
@JsonSerialize(using = ValueJson.Writer.class)
@JsonDeserialize(using = ValueJson.Reader.class)
public sealed interface Value permits Value.Str, Value.Num, Value.Bool, Value.Null, Value.ListV, Value.ObjV, Value.Secret {

    /** The operator's word for the type, used in error messages. */
    String typeName();

    /** Canonical JSON: object keys sorted, no white space, numbers in plain notation. Feeds the hashes. */
    default String toJson() {
        return ValueJson.canonical(this);
    }

    static Value of(Object o) {
        if (o == null) return Null.NULL;
        if (o instanceof Value v) return v;
        if (o instanceof String s) return new Str(s);
        if (o instanceof Boolean b) return Bool.of(b);
        if (o instanceof Integer i) return Num.of(i);
        if (o instanceof Long l) return new Num(BigDecimal.valueOf(l));
        if (o instanceof BigDecimal d) return new Num(d);
        if (o instanceof List<?> l) return new ListV(l.stream().map(Value::of).toList());
        if (o instanceof Map<?, ?> m) {
            Map<String, Value> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), of(v)));
            return new ObjV(out);
        }
        throw new IllegalArgumentException("not a Zedfile value: " + o.getClass());
    }

    record Str(String value) implements Value {
        public Str {
            Objects.requireNonNull(value);
        }

        public String typeName() {
            return "string";
        }
    }

    /** Numbers are arbitrary-precision decimals, normalised so that 8080 and 8080.0 are the same value. */
    record Num(BigDecimal value) implements Value {
        public Num {
            value = value.signum() == 0 ? BigDecimal.ZERO : value.stripTrailingZeros();
        }

        public static Num of(long n) {
            return new Num(BigDecimal.valueOf(n));
        }

        public String typeName() {
            return "number";
        }

        public boolean isWhole() {
            return value.scale() <= 0;
        }

        /** The value as an int, or null when it is not a whole number in int range. */
        public Integer intValue() {
            try {
                return value.intValueExact();
            } catch (ArithmeticException e) {
                return null;
            }
        }

        public String plain() {
            return value.toPlainString();
        }

        public BigInteger bigInteger() {
            return value.toBigIntegerExact();
        }
    }

    enum Bool implements Value {
        TRUE, FALSE;

        public static Bool of(boolean b) {
            return b ? TRUE : FALSE;
        }

        public boolean value() {
            return this == TRUE;
        }

        public String typeName() {
            return "bool";
        }
    }

    enum Null implements Value {
        NULL;

        public String typeName() {
            return "null";
        }
    }

    record ListV(List<Value> items) implements Value {
        public ListV {
            items = List.copyOf(items);
        }

        public String typeName() {
            return "list";
        }
    }

    /** An object keeps its keys in declaration order; equality and canonical JSON ignore the order. */
    record ObjV(Map<String, Value> fields) implements Value {
        public ObjV {
            fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        }

        public String typeName() {
            return "object";
        }

        public Value get(String key) {
            return fields.get(key);
        }
    }

    /** A reference to one secret slot (and optionally one field of it). */
    record SecretRef(String slot, String field) {
        /**
         * A slot's name, as the host's store keeps it: a file name ({@code <slot>.age}) and part of a ZFS user property
         * ({@code com.zed:secret.<slot>.fingerprint}), whose names are lowercase and where a "." would be ambiguous.
         */
        public static final java.util.regex.Pattern SLOT = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
        public static final String SLOT_RULE = "1 to 64 lowercase letters, digits, '_' and '-', starting with a letter or digit";

        public SecretRef {
            Objects.requireNonNull(slot);
        }

        @Override
        public String toString() {
            return field == null ? "secret(\"" + slot + "\")" : "secret(\"" + slot + "\", \"" + field + "\")";
        }
    }

    /**
     * A string with secret references inside. Parts are {@link String} literals and {@link SecretRef}s, adjacent
     * literals merged. Its printed form shows the references, never a secret's value.
     */
    record Secret(List<Object> parts) implements Value {
        public Secret {
            List<Object> merged = new ArrayList<>();
            for (Object p : parts) {
                if (!(p instanceof String) && !(p instanceof SecretRef)) throw new IllegalArgumentException("secret part: " + p);
                if (p instanceof String s && s.isEmpty()) continue;
                if (p instanceof String s && !merged.isEmpty() && merged.get(merged.size() - 1) instanceof String prev) {
                    merged.set(merged.size() - 1, prev + s);
                } else {
                    merged.add(p);
                }
            }
            parts = List.copyOf(merged);
        }

        public String typeName() {
            return "secret";
        }

        /** The printable form, with each reference shown as {@code ${secret("slot")}}. */
        public String redacted() {
            StringBuilder sb = new StringBuilder();
            for (Object p : parts) sb.append(p instanceof String s ? s : "${" + p + "}");
            return sb.toString();
        }
    }
}
