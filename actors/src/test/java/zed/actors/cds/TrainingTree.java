package zed.actors.cds;

import zed.config.Chain;
import zed.config.eval.ChainEvaluator;
import zed.config.eval.EvalInputs;
import zed.reconciler.dataset.Convergence;
import zed.reconciler.dataset.Stamp;
import zed.reconciler.secret.KeyFile;
import zed.reconciler.secret.SecretStore;
import zed.reconciler.secret.Slot;
import zed.reconciler.store.DirStore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * What the command line is trained on: a chain of two levels that uses most of the language (datasets with
 * properties, a service with vars, a picked port, env, a file template, a health check, a print line, a reference
 * into the parent level), a level with an error, and the commands an operator runs on them.
 *
 * @param home       $ZED_HOME, with the node's token, the host key, and a dir store where the leaf's datasets are converged and a secret is set
 * @param app        the leaf level's directory
 * @param broken     a level whose Zedfile has an error
 * @param emptyStore a dir store that holds nothing yet
 */
record TrainingTree(Path home, Path app, Path broken, Path emptyStore) {
    /** One command: its arguments, where it runs, whether a node answers, and the exit it must end with. */
    record Run(List<String> args, Path dir, boolean withNode, int exit) {
    }

    static TrainingTree write(Path work) throws IOException {
        Path home = Files.createDirectories(work.resolve("home"));
        CdsTraining.writeToken(home);
        Path root = Files.createDirectories(work.resolve("tree"));
        Files.writeString(root.resolve("Zedfile"), """
                level "training" {}

                service "exec" "registry" {
                  vars    = { port = net::pickport() }
                  runtime { cmd = ["/bin/sh", "-c", "exec sleep 600"] }
                  health "http" {
                    url      = "http://127.0.0.1:${self.vars.port}/health"
                    interval = "1s"
                  }
                  print = "registry http://127.0.0.1:${self.vars.port}/"
                }
                """);
        Path app = Files.createDirectories(root.resolve("app"));
        StringBuilder z = new StringBuilder("""
                level "app" {}

                update {
                  min_healthy_time = "1s"
                  healthy_deadline = "60s"
                }

                snapshots {
                  before_deploy = true
                  keep          = 5
                }

                """);
        for (int i = 0; i < 20; i++) z.append("dataset \"d").append(i).append("\" {\n  properties = { \"com.acme:tier\" = \"gold\", compression = \"on\" }\n}\n");
        z.append("""
                service "exec" "web" {
                  dataset = "d0"
                  vars    = { port = net::pickport(), workers = 2 * 4 }
                  env = {
                    PORT     = self.vars.port
                    NAME     = "${self.name}-${fs::hash()}"
                    REGISTRY = "http://127.0.0.1:${service.exec.registry.vars.port}"
                    MODE     = os::env("MODE", "prod")
                    CONFIG   = enc::json({ port = self.vars.port, workers = self.vars.workers > 4 ? self.vars.workers : 4 })
                  }
                  file "config" {
                    path = "${fs::etc()}/web.toml"
                    body = <<-EOT
                      listen  = "127.0.0.1:${self.vars.port}"
                      workers = ${self.vars.workers}
                    EOT
                  }
                  runtime { cmd = ["/bin/sh", "-c", "exec sleep 600", self.file.config.path] }
                  health "http" {
                    url      = "http://127.0.0.1:${self.vars.port}/health"
                    interval = "2s"
                  }
                  print = "http://127.0.0.1:${self.vars.port}/"
                }
                """);
        Files.writeString(app.resolve("Zedfile"), z);
        Path broken = Files.createDirectories(root.resolve("broken"));
        Files.writeString(broken.resolve("Zedfile"), "service \"exec\" \"x\" {\n  vars = { port = net::pickprot() }\n}\n");
        converge(app, home);
        secrets(home);
        return new TrainingTree(home, app, broken, Files.createDirectories(work.resolve("empty-store")));
    }

    /** The leaf's datasets, as a node leaves them: a plan of the level then finds them all unchanged. */
    private static void converge(Path app, Path home) {
        ChainEvaluator.Result r = ChainEvaluator.evaluate(Chain.discover(app, home, app), EvalInputs.local(home, Map.of()));
        if (!r.ok()) throw new IllegalStateException("the training level does not evaluate: " + r.errors());
        Convergence.converge(r.leaf(), new DirStore(home.resolve("store")), "", Stamp.now(1));
    }

    /** A host key and the dir store's secrets, one slot set, as zed secrets init and set leave them: what status lists. */
    private static void secrets(Path home) {
        DirStore store = new DirStore(home.resolve("store"));
        SecretStore.init(store, null);
        new SecretStore(store, null, KeyFile.create(KeyFile.in(home)), Clock.systemUTC()).set(new Slot("db"), null, "training".getBytes(StandardCharsets.UTF_8));
    }

    /** The commands, in an operator's order: look, deploy, watch, undo; and the ways they fail. */
    List<Run> runs() {
        return List.of(
                new Run(List.of("--help"), app, true, 0),
                new Run(List.of("version"), app, false, 0),
                new Run(List.of("completion", "bash"), app, false, 0),
                new Run(List.of("validate", "."), app, true, 0),
                new Run(List.of("validate", "."), broken, true, 1),
                new Run(List.of("get", "service.exec.web.env"), app, true, 0),
                new Run(List.of("plan"), app, true, 0),
                new Run(List.of("plan", "--dir-store", emptyStore.toString()), app, true, 0),
                new Run(List.of("up"), app, true, 0),
                new Run(List.of("status"), app, true, 0),
                new Run(List.of("status", "--format", "json"), app, true, 0),
                new Run(List.of("events", "--level", "training/app"), app, true, 0),
                new Run(List.of("sudo"), app, true, 0),
                new Run(List.of("rollback", "@latest"), app, true, 0),
                new Run(List.of("down"), app, true, 0),
                new Run(List.of("hosts"), app, true, 0),
                new Run(List.of("hosts", "--format", "json"), app, true, 0),
                new Run(List.of("jobs"), app, true, 0),
                new Run(List.of("jobs", "--format", "json"), app, true, 0),
                new Run(List.of("job", "rollback", "train", "@ckpt-10"), app, true, 0),
                new Run(List.of("token", "list"), app, false, 0),
                new Run(List.of("secrets", "status"), app, false, 0),
                new Run(List.of("status"), app, false, 1),
                new Run(List.of("status", "--frobnicate"), app, true, 2));
    }
}
