package zed.config.eval;

import zed.config.Value;
import zed.config.syntax.Expr;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The function table of ZEDFILE.md. Pure functions live here; those that read the host are the level's. */
public final class Functions {
    /** Every function with its argument counts (min, max). */
    public static final Map<String, int[]> ARITY;

    static {
        Map<String, int[]> a = new TreeMap<>();
        a.put("net::pickport", new int[]{0, 0});
        a.put("fs::tmp", new int[]{0, 0});
        a.put("fs::state", new int[]{0, 0});
        a.put("fs::bin", new int[]{0, 0});
        a.put("fs::etc", new int[]{0, 0});
        a.put("fs::var", new int[]{0, 0});
        a.put("fs::hash", new int[]{0, 0});
        a.put("cfg::hash", new int[]{0, 0});
        a.put("os::env", new int[]{1, 2});
        a.put("host::name", new int[]{0, 0});
        a.put("enc::json", new int[]{1, 1});
        a.put("file", new int[]{1, 1});
        a.put("secret", new int[]{1, 2});
        ARITY = Map.copyOf(a);
    }

    private Functions() {
    }

    /** Checks that the function exists and gets a fitting number of arguments. */
    public static void check(Expr.Call call, int argc) {
        int[] ar = ARITY.get(call.fullName());
        if (ar == null) {
            throw new EvalError(call.pos(), "unknown function \"" + call.fullName() + "\"" + Names.didYouMean(call.fullName(), ARITY.keySet()));
        }
        if (argc < ar[0] || argc > ar[1]) {
            String want = ar[0] == ar[1] ? (ar[0] == 0 ? "no arguments" : ar[0] + " argument" + (ar[0] == 1 ? "" : "s"))
                    : ar[0] + " or " + ar[1] + " arguments";
            throw new EvalError(call.pos(), call.fullName() + " takes " + want + ", not " + argc);
        }
    }

    /** The functions that need nothing from the host; any other is an error where only these are allowed. */
    public static Value callPure(Expr.Call call, List<Value> args) {
        check(call, args.size());
        switch (call.fullName()) {
            case "enc::json": return encJson(call, args.get(0));
            case "secret": return secret(call, args);
            default: throw new EvalError(call.pos(), call.fullName() + "() is not available here");
        }
    }

    public static Value encJson(Expr.Call call, Value v) {
        if (containsSecret(v)) throw new EvalError(call.pos(), "enc::json cannot encode a secret; interpolate secret(...) into a template instead");
        return new Value.Str(v.toJson());
    }

    private static boolean containsSecret(Value v) {
        if (v instanceof Value.Secret) return true;
        if (v instanceof Value.ListV l) return l.items().stream().anyMatch(Functions::containsSecret);
        if (v instanceof Value.ObjV o) return o.fields().values().stream().anyMatch(Functions::containsSecret);
        return false;
    }

    public static Value secret(Expr.Call call, List<Value> args) {
        String slot = string(call, args, 0, "the secret slot");
        String field = args.size() > 1 ? string(call, args, 1, "the field") : null;
        if (!Value.SecretRef.SLOT.matcher(slot).matches()) throw new EvalError(call.args().get(0).pos(), "a secret slot is " + Value.SecretRef.SLOT_RULE + ", not \"" + slot + "\"");
        return new Value.Secret(List.of(new Value.SecretRef(slot, field)));
    }

    public static String string(Expr.Call call, List<Value> args, int i, String what) {
        Value v = args.get(i);
        if (v instanceof Value.Str s) return s.value();
        throw new EvalError(call.args().get(i).pos(), call.fullName() + ": " + what + " must be a string, not " + Interpreter.describe(v));
    }
}
