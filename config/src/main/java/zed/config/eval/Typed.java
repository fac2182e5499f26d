package zed.config.eval;

import zed.config.Pos;
import zed.config.Value;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Conversions from evaluated values to the types of the schema, with HCL's lenient string/number/bool conversions. */
final class Typed {
    private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h|d)");
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)([KMGTPE]?)B?", Pattern.CASE_INSENSITIVE);

    private Typed() {
    }

    static String string(Value v, Pos pos, String what) {
        if (v instanceof Value.Str s) return s.value();
        if (v instanceof Value.Num n) return n.plain();
        if (v instanceof Value.Bool b) return String.valueOf(b.value());
        if (v instanceof Value.Secret) throw new EvalError(pos, what + " cannot be a secret; secrets go into env or file bodies");
        throw new EvalError(pos, what + " must be a string, not " + Interpreter.describe(v));
    }

    static int integer(Value v, Pos pos, String what) {
        BigDecimal d = null;
        if (v instanceof Value.Num n) d = n.value();
        if (v instanceof Value.Str s) {
            try {
                d = new BigDecimal(s.value().trim());
            } catch (NumberFormatException ignored) {
                // reported below
            }
        }
        if (d != null) {
            try {
                return d.intValueExact();
            } catch (ArithmeticException ignored) {
                // reported below
            }
        }
        throw new EvalError(pos, what + " must be a whole number, not " + Interpreter.describe(v));
    }

    static boolean bool(Value v, Pos pos, String what) {
        if (v instanceof Value.Bool b) return b.value();
        if (v instanceof Value.Str s && (s.value().equals("true") || s.value().equals("false"))) return s.value().equals("true");
        throw new EvalError(pos, what + " must be true or false, not " + Interpreter.describe(v));
    }

    /** "500ms", "5s", "2m", "1h", "1d", and sums such as "1h30m". */
    static Duration duration(Value v, Pos pos, String what) {
        if (v instanceof Value.Str s && !s.value().isEmpty()) {
            Matcher m = DURATION_PART.matcher(s.value());
            Duration total = Duration.ZERO;
            int at = 0;
            while (m.find() && m.start() == at) {
                BigDecimal n = new BigDecimal(m.group(1));
                long unitMs = switch (m.group(2)) {
                    case "ms" -> 1;
                    case "s" -> 1000;
                    case "m" -> 60_000;
                    case "h" -> 3_600_000;
                    default -> 86_400_000;
                };
                try {
                    total = total.plusMillis(n.multiply(BigDecimal.valueOf(unitMs)).longValueExact());
                } catch (ArithmeticException e) {
                    break;
                }
                at = m.end();
            }
            if (at == s.value().length()) return total;
        }
        throw new EvalError(pos, what + " must be a duration such as \"500ms\", \"5s\", \"2m\" or \"1h\", not " + Interpreter.describe(v));
    }

    /** A duration as an operator writes it: "1m", "1h30m", "500ms". */
    static String format(Duration d) {
        if (d.isZero()) return "0s";
        StringBuilder sb = new StringBuilder();
        long ms = d.toMillis();
        long[] units = {86_400_000, 3_600_000, 60_000, 1000, 1};
        String[] names = {"d", "h", "m", "s", "ms"};
        for (int i = 0; i < units.length; i++) {
            if (ms >= units[i]) {
                sb.append(ms / units[i]).append(names[i]);
                ms %= units[i];
            }
        }
        return sb.toString();
    }

    /** A size such as "512K" or "10G" is kept as written (ZFS reads it); this checks it. */
    static String size(Value v, Pos pos, String what) {
        String s = string(v, pos, what);
        if (s.equals("none") || SIZE.matcher(s).matches()) return s;
        throw new EvalError(pos, what + " must be a size such as \"512K\" or \"10G\", not \"" + s + "\"");
    }

    private static final Pattern VRAM = Pattern.compile("(\\d+(?:\\.\\d+)?)([MGT])(?:i?B|i)?", Pattern.CASE_INSENSITIVE);

    /** GPU memory such as "48G" or "512M", in MiB (binary units, as GPUs and the inventory count it). */
    static long vram(Value v, Pos pos, String what) {
        String s = v instanceof Value.Str str ? str.value() : null;
        Matcher m = s == null ? null : VRAM.matcher(s);
        if (m == null || !m.matches()) {
            throw new EvalError(pos, what + " must be GPU memory with its unit, such as \"48G\" or \"512M\", not " + Interpreter.describe(v));
        }
        BigDecimal mib = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(switch (m.group(2).toUpperCase(java.util.Locale.ROOT)) {
            case "M" -> 1L;
            case "G" -> 1024L;
            default -> 1024L * 1024;
        }));
        if (mib.signum() <= 0) throw new EvalError(pos, what + " must be more than 0; leave it out to take each GPU whole");
        try {
            return mib.longValueExact();
        } catch (ArithmeticException e) {
            throw new EvalError(pos, what + " must be a whole number of MiB, not \"" + s + "\"");
        }
    }

    static List<String> strings(Value v, Pos pos, String what) {
        if (!(v instanceof Value.ListV l)) throw new EvalError(pos, what + " must be a list of strings, not " + Interpreter.describe(v));
        List<String> out = new ArrayList<>();
        for (int i = 0; i < l.items().size(); i++) out.add(string(l.items().get(i), pos, what + "[" + i + "]"));
        return out;
    }

    /** A string, or a string with secret references in it. */
    static Value text(Value v, Pos pos, String what) {
        if (v instanceof Value.Secret) return v;
        return new Value.Str(string(v, pos, what));
    }
}
