package zed.config.eval;

import zed.config.LevelSpec;
import zed.config.Pos;
import zed.config.Value;
import zed.config.syntax.Body;
import zed.config.syntax.Expr;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a level's jobs need of the GPUs, read before the level is evaluated: a new level that names no host is placed
 * on a host of the cluster whose GPUs fit its jobs, and the node that receives the push chooses that host before
 * anything evaluates the Zedfile there (as {@link DeclaredRollout} and {@link zed.config.DeclaredHost} are read). Only
 * what is written as plain values counts; a job whose model's {@code requires} is an expression, or is wrong, is
 * left out here: the evaluation on the level's host judges it, and reports what is wrong at its place.
 *
 * @param jobs in the order written
 */
public record DeclaredGpus(List<Need> jobs) {
    public static final DeclaredGpus NONE = new DeclaredGpus(List.of());

    public DeclaredGpus {
        jobs = List.copyOf(jobs);
    }

    /** One job and what its model requires. */
    public record Need(String job, String model, Pos pos, LevelSpec.Requires requires) {
    }

    /** @return the jobs' needs, {@link #NONE} for a file that does not parse (its errors are the evaluation's) */
    public static DeclaredGpus of(String file, String source) {
        Body body = zed.config.DeclaredHost.parsed(file, source);
        if (body == null) return NONE;
        Map<String, LevelSpec.Requires> models = new HashMap<>();
        for (Body.Block m : body.blocks("model")) {
            if (m.labels().size() != 1) continue;
            LevelSpec.Requires r = requires(m.body());
            if (r != null) models.put(m.label(0), r);
        }
        List<Need> out = new ArrayList<>();
        for (Body.Block j : body.blocks("job")) {
            Body.Attribute a = j.body().attribute("model");
            String model = a == null ? null : modelName(a.expr());
            LevelSpec.Requires r = model == null ? null : models.get(model);
            if (j.labels().size() == 1 && r != null) out.add(new Need(j.label(0), model, j.pos(), r));
        }
        return new DeclaredGpus(out);
    }

    /** {@code model.llama} or {@code "llama"}; null for anything else. */
    private static String modelName(Expr e) {
        if (e instanceof Expr.GetAttr g && g.target() instanceof Expr.Var v && v.name().equals("model")) return g.name();
        return e instanceof Expr.Template t ? t.staticText() : null;
    }

    /** {@code requires = {...}} or a {@code requires {...}} block of plain values; the default without one; null when not plain or wrong. */
    private static LevelSpec.Requires requires(Body model) {
        Map<String, Value> req = new HashMap<>();
        Body.Attribute a = model.attribute("requires");
        if (a != null) {
            if (!(a.expr() instanceof Expr.ObjectExpr o)) return null;
            for (Expr.Item i : o.items()) {
                Value v = plain(i.value());
                if (i.staticKey() == null || v == null) return null;
                req.put(i.staticKey(), v);
            }
        }
        for (Body.Block b : model.blocks("requires")) {
            for (Body.Attribute x : b.body().attributes()) {
                Value v = plain(x.expr());
                if (v == null) return null;
                req.put(x.name(), v);
            }
        }
        try {
            Long vram = req.containsKey("vram") ? (Long) Typed.vram(req.get("vram"), null, "vram")
                    : req.containsKey("vram_mb") ? (Long) (long) Typed.integer(req.get("vram_mb"), null, "vram_mb") : null;
            int gpus = req.containsKey("gpus") ? Typed.integer(req.get("gpus"), null, "gpus") : LevelSpec.Requires.DEFAULT.gpus();
            if (gpus < 1 || vram != null && vram < 1 || req.keySet().stream().anyMatch(k -> !List.of("vram", "vram_mb", "gpus").contains(k))) return null;
            return new LevelSpec.Requires(vram, gpus);
        } catch (EvalError wrong) {
            return null;
        }
    }

    private static Value plain(Expr e) {
        if (e instanceof Expr.Literal l) return l.value();
        return e instanceof Expr.Template t && t.staticText() != null ? new Value.Str(t.staticText()) : null;
    }
}
