package zed.config;

import zed.config.syntax.Body;

import java.util.ArrayList;
import java.util.List;

/**
 * What the language parses but a node does not run yet: models and jobs in a level with
 * {@code hosts = [...]}, and the rollout settings
 * ({@code update { strategy, canary, auto_promote, progress_deadline }}) on a level that runs on one host only: a
 * rollout runs across a level's hosts ({@code hosts = [...]}), and a single-host level has none to roll out across.
 * ({@code failover.auto = true} is refused where the level is built, since it is a value.)
 * Refused rather than ignored, so that a level never reports Converged with part of it silently left out. The schema
 * keeps them for the work that will run them, and these errors do not stop evaluation, so the rest of such a file,
 * the refused blocks included, is still checked.
 */
public final class NotSupportedYet {
    /** The update settings of a rollout across a level's hosts. */
    private static final List<String> ROLLOUT = List.of("strategy", "canary", "auto_promote", "progress_deadline");

    private NotSupportedYet() {
    }

    public static List<Diagnostic> check(Body file) {
        List<Diagnostic> errors = new ArrayList<>();
        boolean multiHost = file.blocks("level").stream().anyMatch(l -> l.body().attribute("hosts") != null);
        for (Body.Block b : file.blocks()) {
            switch (b.type()) {
                case "model", "job" -> {
                    if (multiHost) errors.add(multiHost(b));
                }
                case "update" -> {
                    for (String a : multiHost ? List.<String>of() : ROLLOUT) {
                        Body.Attribute set = b.body().attribute(a);
                        if (set != null) errors.add(new Diagnostic(set.pos(), "update." + a + ": a rollout runs across a level's hosts, and this level "
                                + "runs on one: set it on a level with hosts = [...] (see docs/cluster.md)"));
                    }
                }
                default -> {
                }
            }
        }
        return errors;
    }

    /**
     * A job is one run, and a level with hosts = [...] runs one instance per host: each would run the job again. A
     * level of jobs of its own is placed on a host whose GPUs fit them.
     */
    private static Diagnostic multiHost(Body.Block b) {
        return new Diagnostic(b.pos(), name(b) + ": GPU models and jobs run in a level on one host, and this level has hosts = [...] (one instance "
                + "per host, each would run the job again); put them in a level of their own: without host = ..., it goes to a host whose GPUs "
                + "fit its jobs (see docs/gpu.md)");
    }

    private static String name(Body.Block b) {
        return b.labels().isEmpty() ? b.type() : b.type() + " \"" + b.label(0) + "\"";
    }
}
