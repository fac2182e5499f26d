package zed.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.config.LevelSpec.DatasetSpec;
import zed.config.LevelSpec.FileSpec;
import zed.config.LevelSpec.HealthCheck;
import zed.config.LevelSpec.JailSpec;
import zed.config.LevelSpec.Mount;
import zed.config.LevelSpec.RestartPolicy;
import zed.config.LevelSpec.ServiceSpec;
import zed.config.LevelSpec.SnapshotPolicy;
import zed.config.LevelSpec.SudoHook;
import zed.config.LevelSpec.UpdatePolicy;
import zed.config.ValidationTestSupport.Tree;
import zed.config.eval.ChainEvaluator;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static zed.config.ValidationTestSupport.assertError;
import static zed.config.ValidationTestSupport.assertOnlyError;
import static zed.config.ValidationTestSupport.evaluateOne;
import static zed.config.ValidationTestSupport.render;
import static zed.config.ValidationTestSupport.sha16;
import static zed.config.ValidationTestSupport.src;

/**
 * Chains, several errors at once, file-level errors, inputs that must not throw, and the valid example of
 * ZEDFILE.md resolved to a LevelSpec.
 */
class ValidationTestChainTest {

    private static List<String> rendered(ChainEvaluator.Result r) {
        return r.errors().stream().map(Diagnostic::render).toList();
    }

    // ---- federation ----------------------------------------------------------------------------------------------

    @Test
    void a_service_declared_in_two_levels_names_both_files_and_lines(@TempDir Path tmp) {
        Tree t = new Tree(tmp)
                .write("Zedfile", src(
                        "level 'top' {}",
                        "service 'exec' 'caddy' {",
                        "  runtime { cmd = ['caddy'] }",
                        "}"))
                .write("shop/Zedfile", src(
                        "service 'exec' 'web' {",
                        "  runtime { cmd = ['web'] }",
                        "}",
                        "",
                        "",
                        "",
                        "service 'exec' 'caddy' {",
                        "  runtime { cmd = ['caddy'] }",
                        "}"));
        ChainEvaluator.Result r = t.evaluate("shop", "shop");
        assertEquals(List.of("Zedfile:7:1: service.exec.caddy is already declared in ../Zedfile:2:1"), rendered(r));
        // the same chain seen from the directory above
        r = t.evaluate("shop", ".");
        assertEquals(List.of("shop/Zedfile:7:1: service.exec.caddy is already declared in Zedfile:2:1"), rendered(r));
    }

    @Test
    void a_reference_into_the_parent_level_resolves_and_a_wrong_one_is_suggested(@TempDir Path tmp) {
        Tree t = new Tree(tmp)
                .write("Zedfile", src(
                        "service 'exec' 'db' {",
                        "  runtime { cmd = ['db'] }",
                        "  vars = { port = 5432 }",
                        "}"))
                .write("shop/Zedfile", src(
                        "service 'exec' 'web' {",
                        "  runtime { cmd = ['web'] }",
                        "  env = { DB_PORT = service.exec.db.vars.port }",
                        "}"));
        ChainEvaluator.Result r = t.evaluate("shop", "shop");
        assertEquals(List.of(), rendered(r));
        assertEquals(new Value.Str("5432"), r.leaf().service("exec", "web").env().get("DB_PORT"));

        t.write("shop/Zedfile", src(
                "service 'exec' 'web' {",
                "  runtime { cmd = ['web'] }",
                "  env = { DB_PORT = service.exec.dbb.vars.port }",
                "}"));
        r = t.evaluate("shop", "shop");
        assertEquals(List.of("Zedfile:3:34: service.exec.dbb is not declared in this level or any level above; did you mean \"service.exec.db\"?"),
                rendered(r));
    }

    @Test
    void errors_in_several_files_of_a_chain_are_all_reported(@TempDir Path tmp) {
        Tree t = new Tree(tmp)
                .write("Zedfile", src(
                        "level {",
                        "  pol = 'tank'",
                        "}"))
                .write("shop/Zedfile", src(
                        "updates {",
                        "}"));
        ChainEvaluator.Result r = t.evaluate("shop", ".");
        assertEquals(List.of(
                "Zedfile:2:3: unknown attribute \"pol\" in level; did you mean \"pool\"?",
                "shop/Zedfile:1:1: unknown block \"updates\" in the file; did you mean \"update\"?"), rendered(r));
    }

    @Test
    void level_name_errors(@TempDir Path tmp) {
        Tree t = new Tree(tmp).write("shop/Zedfile", src("level 'my shop' {}"));
        assertEquals(List.of("Zedfile:1:7: level name \"my shop\": use letters, digits, _ and -"), rendered(t.evaluate("shop", "shop")));

        t.write("my shop/Zedfile", src("# no level block"));
        assertEquals(List.of("Zedfile:1:1: the directory name \"my shop\" is not a valid level name; name the level: level \"my-level\" { }"),
                rendered(t.evaluate("my shop", "my shop")));
    }

    @Test
    void invalid_utf8_is_reported_where_the_bad_byte_is(@TempDir Path tmp) {
        Tree t = new Tree(tmp).write("shop/Zedfile", new byte[]{'#', ' ', 'o', 'k', '\n', '#', ' ', (byte) 0xff, '\n'});
        List<Diagnostic> errors = t.evaluate("shop", "shop").errors();
        assertEquals(1, errors.size(), render(errors));
        assertError(errors, "Zedfile", 2, 3, "not valid UTF-8", null);
    }

    @Test
    void no_zedfile_at_all_is_a_zedfile_exception(@TempDir Path tmp) {
        Tree t = new Tree(tmp);
        ZedfileException e = assertThrows(ZedfileException.class, () -> t.evaluate("home", "."));
        assertTrue(e.getMessage().contains("no Zedfile in " + t.home), e.getMessage());
    }

    @Test
    void a_start_that_is_neither_a_file_nor_a_directory_is_a_zedfile_exception(@TempDir Path tmp) {
        Tree t = new Tree(tmp);
        ZedfileException e = assertThrows(ZedfileException.class, () -> t.evaluate("nowhere", "."));
        assertEquals(List.of(new Diagnostic(new Pos(t.dir("nowhere").toString(), 0, 0), "no such file or directory")), e.diagnostics());
    }

    @Test
    void fs_tmp_that_cannot_be_created_is_a_positioned_error(@TempDir Path tmp) throws Exception {
        Tree t = new Tree(tmp).write("shop/Zedfile", src(
                "service 'exec' 'a' {",
                "  runtime { cmd = ['a'] }",
                "  vars = { t = fs::tmp() }",
                "}"));
        java.nio.file.Files.delete(t.root.resolve("tmp"));
        t.write("tmp", "a file where $TMPDIR should be a directory");
        List<Diagnostic> errors = t.evaluate("shop", "shop").errors();
        assertEquals(1, errors.size(), render(errors));
        assertError(errors, "Zedfile", 3, 16, "fs::tmp(): cannot create " + t.root.resolve("tmp").resolve("zed-" + sha16(t.dir("shop").toString())), null);
    }

    @Test
    void constant_expressions_refuse_references_and_host_functions() {
        ZedfileException e = assertThrows(ZedfileException.class, () -> zed.config.eval.Constant.eval("1 + fs::hash()"));
        assertEquals(List.of(new Diagnostic(new Pos("<expr>", 1, 5), "fs::hash() is not available here")), e.diagnostics());
        e = assertThrows(ZedfileException.class, () -> zed.config.eval.Constant.eval("self.name"));
        assertEquals(List.of(new Diagnostic(new Pos("<expr>", 1, 1), "unknown name \"self\": no references are allowed here")), e.diagnostics());
    }

    // ---- several errors at once ------------------------------------------------------------------------------

    @Test
    void every_structural_error_of_a_file_is_reported(@TempDir Path tmp) {
        String source = src(
                "levl {",                                  // 1
                "}",                                       // 2
                "update {",                                // 3
                "  max_paralel = 2",                       // 4
                "}",                                       // 5
                "service 'exec' 'a' {",                    // 6
                "  datset = 'd'",                          // 7
                "  runtime { cmd = ['a'] }",               // 8
                "  health 'htp' {}",                       // 9
                "}",                                       // 10
                "service 'go' 'b' {",                      // 11
                "}");                                      // 12
        assertEquals(List.of(
                "Zedfile:1:1: unknown block \"levl\" in the file; did you mean \"level\"?",
                "Zedfile:4:3: unknown attribute \"max_paralel\" in update; did you mean \"max_parallel\"?",
                "Zedfile:7:3: unknown attribute \"datset\" in service.exec.a; did you mean \"dataset\"?",
                "Zedfile:9:10: unknown health check kind \"htp\"; did you mean \"http\"?; kinds are http, tcp and exec",
                "Zedfile:11:1: service.go.b: a go service needs a git { url = ... } or a src { path = ... } block"),
                rendered(evaluateOne(tmp, source)));
    }

    @Test
    void every_type_and_reference_error_of_a_file_is_reported_once(@TempDir Path tmp) {
        String source = src(
                "dataset 'apps/web' {}",                               // 1
                "update {",                                            // 2
                "  healthy_deadline = '2 minutes'",                    // 3
                "}",                                                   // 4
                "service 'exec' 'web' {",                              // 5
                "  dataset = 'apps/wbe'",                              // 6
                "  vars    = { port = net::pickprot() }",              // 7
                "  env     = { PORT = self.vars.port, K = os::env('ZED_NOT_SET_X') }",  // 8
                "  runtime { cmd = ['web', '--port', self.vars.port] }",               // 9
                "}");                                                  // 10
        // PORT and cmd depend on the failed vars.port: reported once, where it failed, not again where it is used
        assertEquals(List.of(
                "Zedfile:3:3: update.healthy_deadline must be a duration such as \"500ms\", \"5s\", \"2m\" or \"1h\", not string \"2 minutes\"",
                "Zedfile:6:3: service.exec.web: dataset \"apps/wbe\" is not declared in this level; did you mean \"apps/web\"?",
                "Zedfile:7:22: unknown function \"net::pickprot\"; did you mean \"net::pickport\"?",
                "Zedfile:8:42: environment variable ZED_NOT_SET_X is not set; set it or give a default: os::env(\"ZED_NOT_SET_X\", \"...\")"),
                rendered(evaluateOne(tmp, source)));
    }

    @Test
    void a_duplicate_attribute_does_not_hide_the_other_errors_of_the_file(@TempDir Path tmp) {
        String source = src(
                "snapshots {",
                "  keep = 1",
                "  keep = 2",
                "}",
                "update {",
                "  max_paralel = 2",
                "}");
        List<String> got = rendered(evaluateOne(tmp, source));
        assertEquals(List.of(
                "Zedfile:3:3: attribute \"keep\" is already set at Zedfile:2:3",
                "Zedfile:6:3: unknown attribute \"max_paralel\" in update; did you mean \"max_parallel\"?"), got);
    }

    // ---- inputs that must give positioned errors, never an exception --------------------------------------------

    @Test
    void a_huge_exponent_is_a_positioned_error(@TempDir Path tmp) {
        String source = src(
                "service 'exec' 'a' {",
                "  runtime { cmd = ['a'] }",
                "  vars = { n = 1e99999999999 }",
                "}");
        ChainEvaluator.Result r;
        try {
            r = evaluateOne(tmp, source);
        } catch (RuntimeException e) {
            fail("evaluation threw " + e, e);
            return;
        }
        assertError(r.errors(), "Zedfile", 3, 16, "out of range", source);
    }

    @Test
    void deep_reference_chains_and_deep_expressions_do_not_overflow(@TempDir Path tmp) {
        StringBuilder sb = new StringBuilder("service 'exec' 'a' {\n  runtime { cmd = ['a'] }\n  vars = {\n");
        for (int i = 0; i < 5000; i++) sb.append("    a").append(i).append(" = self.vars.a").append(i + 1).append(" + 1\n");
        sb.append("    a5000 = 0\n  }\n}\n");
        ChainEvaluator.Result r = evaluateOne(tmp, sb.toString().replace('\'', '"'));
        assertEquals(List.of(), rendered(r));
        assertEquals(new Value.Num(java.math.BigDecimal.valueOf(5000)), r.leaf().service("exec", "a").vars().get("a0"));
    }

    // ---- gaps: inputs that should be refused and are not ------------------------------------------------------

    @Test
    void a_service_that_waits_for_itself_is_an_error(@TempDir Path tmp) {
        // `after` is start order: a service that waits for itself to be healthy never starts
        String source = src(
                "service 'exec' 'a' {",
                "  runtime {",
                "    cmd   = ['a']",
                "    after = [service.exec.a]",
                "  }",
                "}");
        assertOnlyError(tmp, source, 4, 27, "service.exec.a");
    }

    @Test
    void a_cycle_of_after_is_an_error_naming_its_members(@TempDir Path tmp) {
        String source = src(
                "service 'exec' 'a' {",
                "  runtime {",
                "    cmd   = ['a']",
                "    after = [service.exec.b]",
                "  }",
                "}",
                "service 'exec' 'b' {",
                "  runtime {",
                "    cmd   = ['b']",
                "    after = [service.exec.a]",
                "  }",
                "}");
        ChainEvaluator.Result r = evaluateOne(tmp, source);
        assertTrue(r.errors().stream().anyMatch(d -> d.message().contains("cycle") && d.message().contains("service.exec.a")
                && d.message().contains("service.exec.b")), "expected a cycle error naming service.exec.a and service.exec.b, got:\n" + render(r.errors()));
    }

    // ---- the valid example of ZEDFILE.md ----------------------------------------------------------------------

    /**
     * The example of ZEDFILE.md, "A level" and "GPU resources", made valid on any machine: the datasets the jail and
     * the model use are declared, service.exec.db exists, and os::env has a default. Its model and job are refused
     * until a node runs them.
     */
    static final String EXAMPLE = """
            level "shop" {                 # optional; default name: the directory's name
              host = "h1"                  # pin to a cluster host; default: the local node
              pool = "tank/zed"            # ZFS dataset under which this level's datasets live;
              sysenv = ["SSH_AUTH_SOCK"]   # host variables passed to services beyond the default
            }

            snapshots {
              before_deploy = true         # snapshot the level's datasets before each new revision
              keep          = 5            # keep this many deploy snapshots per dataset (enforced)
            }

            update {                       # the health gate (defaults shown)
              min_healthy_time = "5s"      # healthy this long before Converged
              healthy_deadline = "2m"      # not healthy by then: ConvergeFailed
              auto_revert      = true      # on failure go back to the stable revision
              max_parallel     = 1         # services restarted at once
            }

            dataset "apps/web" {
              mountpoint = "/srv/web"      # optional
              properties = { compression = "on", quota = "1G", recordsize = "128K" }
            }

            dataset "jails/web" {}

            jail "web" {
              dataset  = "jails/web"
              hostname = "web.local"
              ip4      = "10.17.0.2/24"    # or inherit; vnet = true
              params   = { "allow.sysvipc" = true, "children.max" = 4 }
              mount "/var/db/web" {
                dataset = "apps/web"
                mode    = "rw"
              }
            }

            service "exec" "db" {
              runtime { cmd = ["postgres"] }
            }

            service "exec" "web" {         # kind, name
              dataset = "apps/web"
              jail    = "web"              # optional: run inside that jail
              version = "1.4.2"
              vars    = { port = net::pickport() }
              env     = { PORT = self.vars.port, COOKIE = os::env("RELEASE_COOKIE", "dev-cookie") }
              file "config" {
                path = "${fs::etc()}/web.toml"
                body = <<-EOT
                  listen = "127.0.0.1:${self.vars.port}"
                EOT
                mode = "0600"
              }
              runtime {
                cmd   = ["${self.dir}/bin/web", "--config", self.file.config.path]
                after = [service.exec.db]  # start once db is healthy
              }
              restart { attempts = 10, interval = "5m", delay = "1s", max_delay = "30s" }
              health "http" {
                url       = "http://127.0.0.1:${self.vars.port}/health"
                expect    = 200
                interval  = "2s"
                timeout   = "1s"
                failure_threshold = 3
              }
              print = "http://127.0.0.1:${self.vars.port}/"   # shown by `zed status`
              sudo "resolver" {            # only run by `zed sudo`, never during converge
                check  = "grep -q ${self.vars.port} /etc/resolver/test"
                apply  = "echo port ${self.vars.port} > /etc/resolver/test"
                verify = "grep -q ${self.vars.port} /etc/resolver/test"
              }
            }

            dataset "models/llama-70b" {}

            model "llama70b" {
              dataset  = "models/llama-70b"
              requires = { vram_mb = 49152 }      # refuse to place where no GPU fits
            }
            job "finetune" {
              model            = "llama70b"
              runtime { cmd = ["./train"] }
              checkpoint_every = "1h"              # each checkpoint is a zfs snapshot
              dataset          = "runs/finetune"   # (not in ZEDFILE.md: a job checkpoints into its own dataset)
            }
            dataset "runs/finetune" {}
            """;

    /** The example without what a node does not run yet, its lines kept where they were. */
    static final String RUNNABLE_EXAMPLE = EXAMPLE.substring(0, EXAMPLE.indexOf("model \"llama70b\""))
            .replace("  host = \"h1\"", "# host = \"h1\"");

    @Test
    void the_example_of_zedfile_md_resolves_without_what_is_not_supported_yet(@TempDir Path tmp) {
        Tree t = new Tree(tmp).write("shop/Zedfile", RUNNABLE_EXAMPLE);
        ChainEvaluator.Result r = t.evaluate("shop", "shop");
        assertEquals(List.of(), rendered(r));
        assertEquals(1, r.levels().size());
        LevelSpec l = r.leaf();

        Path dir = t.dir("shop");
        Path state = t.home.resolve("state").resolve("shop-" + sha16(dir.toString()));
        String etc = state.resolve("etc").resolve("web").toString();
        int port = 40000;

        assertAll("level",
                () -> assertEquals("shop", l.id()),
                () -> assertEquals("shop", l.name()),
                () -> assertNull(l.parent()),
                () -> assertEquals(dir.toString(), l.dir()),
                () -> assertNull(l.host()),
                () -> assertEquals("tank/zed", l.pool()),
                () -> assertEquals(List.of("SSH_AUTH_SOCK"), l.sysenv()),
                () -> assertEquals(new SnapshotPolicy(true, 5), l.snapshots()),
                () -> assertEquals(new UpdatePolicy(Duration.ofSeconds(5), Duration.ofMinutes(2), true, 1), l.update()),
                () -> assertNotNull(l.hash()),
                () -> assertTrue(l.hash().matches("[0-9a-f]{16}"), l.hash()),
                () -> assertEquals(new Pos("Zedfile", 1, 1), l.pos()));

        assertEquals(List.of(
                new DatasetSpec("apps/web", "/srv/web", Map.of("compression", "on", "quota", "1G", "recordsize", "128K", "mountpoint", "/srv/web"), new Pos("Zedfile", 19, 1)),
                new DatasetSpec("jails/web", "/tank/zed/jails/web", Map.of(), new Pos("Zedfile", 24, 1)),
                new DatasetSpec("models/llama-70b", "/tank/zed/models/llama-70b", Map.of(), new Pos("Zedfile", 74, 1))), l.datasets());

        assertEquals(List.of(new JailSpec("web", "jails/web", "web.local", "10.17.0.2/24", null, false,
                Map.of("allow.sysvipc", Value.Bool.of(true), "children.max", Value.Num.of(4)),
                List.of(new Mount("/var/db/web", "apps/web", "rw", new Pos("Zedfile", 31, 3))), new Pos("Zedfile", 26, 1))), l.jails());

        ServiceSpec db = l.service("exec", "db");
        assertAll("service.exec.db: every default",
                () -> assertNull(db.dataset()),
                () -> assertEquals(List.of("postgres"), db.runtime().cmd()),
                () -> assertEquals(List.of(), db.runtime().after()),
                () -> assertEquals(RestartPolicy.DEFAULT, db.restart()),
                () -> assertEquals(new RestartPolicy(10, Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofSeconds(30)), db.restart()),
                () -> assertEquals(List.of(), db.health()),
                () -> assertEquals(Map.of(), db.vars()),
                () -> assertEquals(Map.of(), db.env()),
                () -> assertEquals(state.resolve("var").resolve("db").toString(), db.dir()));

        ServiceSpec web = l.service("exec", "web");
        String body = "listen = \"127.0.0.1:" + port + "\"\n";
        assertAll("service.exec.web",
                () -> assertEquals("service.exec.web", web.ref()),
                () -> assertEquals("apps/web", web.dataset()),
                () -> assertEquals("web", web.jail()),
                () -> assertEquals("1.4.2", web.version()),
                () -> assertEquals("/srv/web", web.dir()),
                () -> assertEquals(Map.of("port", Value.Num.of(port)), web.vars()),
                () -> assertEquals(Map.of("PORT", new Value.Str(String.valueOf(port)), "COOKIE", new Value.Str("dev-cookie")), web.env()),
                () -> assertEquals(List.of(new FileSpec("config", etc + "/web.toml", new Value.Str(body), "0600", new Pos("Zedfile", 47, 3))), web.files()),
                () -> assertEquals(List.of("/srv/web/bin/web", "--config", etc + "/web.toml"), web.runtime().cmd()),
                () -> assertEquals(List.of("exec.db"), web.runtime().after()),
                () -> assertEquals(new RestartPolicy(10, Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofSeconds(30)), web.restart()),
                () -> assertEquals(List.of(new HealthCheck("http", "http://127.0.0.1:" + port + "/health", 200, null, null, null, null,
                        Duration.ZERO, Duration.ofSeconds(2), Duration.ofSeconds(1), 1, 3, new Pos("Zedfile", 59, 3))), web.health()),
                () -> assertEquals("http://127.0.0.1:" + port + "/", web.print()),
                () -> assertEquals(List.of(new SudoHook("resolver", "grep -q " + port + " /etc/resolver/test",
                        "echo port " + port + " > /etc/resolver/test", "grep -q " + port + " /etc/resolver/test", new Pos("Zedfile", 67, 3))), web.sudo()),
                () -> assertNull(web.release()),
                () -> assertNull(web.git()),
                () -> assertEquals(new Pos("Zedfile", 41, 1), web.pos()));

        assertEquals(List.of(), l.models());
        assertEquals(List.of(), l.jobs());
        assertEquals(Map.of("shop|service.exec.web|vars.port", port), r.ports());
    }

    @Test
    void defaults_apply_when_blocks_and_attributes_are_left_out(@TempDir Path tmp) {
        Tree t = new Tree(tmp).write("shop/Zedfile", src(
                "dataset 'data' {}",                          // 1
                "service 'exec' 'a' {",                       // 2
                "  dataset = 'data'",                         // 3
                "  runtime { cmd = ['${self.dir}/run'] }",    // 4
                "  restart { attempts = 3 }",                 // 5
                "  health 'http' { url = 'http://127.0.0.1/' }",  // 6
                "  health 'tcp' { port = 5432 }",             // 7
                "  file 'f' {",                               // 8
                "    path = '${fs::var()}/f'",                // 9
                "    body = 'x'",                             // 10
                "    mode = 600",                             // 11
                "  }",                                        // 12
                "  file 'g' {",                               // 13
                "    path = '${fs::tmp()}/g'",                // 14
                "    body = 'y'",                             // 15
                "  }",                                        // 16
                "}"));
        ChainEvaluator.Result r = t.evaluate("shop", "shop");
        assertEquals(List.of(), rendered(r));
        LevelSpec l = r.leaf();
        String hash = sha16(t.dir("shop").toString());
        Path state = t.home.resolve("state").resolve("shop-" + hash);
        String mount = t.home.resolve("store").resolve("data").toString();
        ServiceSpec a = l.service("exec", "a");
        assertAll(
                () -> assertEquals("shop", l.name()),
                () -> assertNull(l.pool()),
                () -> assertNull(l.host()),
                () -> assertEquals(List.of(), l.sysenv()),
                () -> assertEquals(SnapshotPolicy.DEFAULT, l.snapshots()),
                () -> assertEquals(new SnapshotPolicy(true, 5), l.snapshots()),
                () -> assertEquals(UpdatePolicy.DEFAULT, l.update()),
                () -> assertEquals(mount, l.dataset("data").mountpoint()),
                () -> assertEquals(mount, a.dir()),
                () -> assertEquals(List.of(mount + "/run"), a.runtime().cmd()),
                () -> assertEquals(new RestartPolicy(3, Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofSeconds(30)), a.restart()),
                () -> assertEquals(new HealthCheck("http", "http://127.0.0.1/", 200, null, null, null, null,
                        Duration.ZERO, Duration.ofSeconds(2), Duration.ofSeconds(1), 1, 3, new Pos("Zedfile", 6, 3)), a.health().get(0)),
                () -> assertEquals(new HealthCheck("tcp", null, null, null, "127.0.0.1", 5432, null,
                        Duration.ZERO, Duration.ofSeconds(2), Duration.ofSeconds(1), 1, 3, new Pos("Zedfile", 7, 3)), a.health().get(1)),
                () -> assertEquals(state.resolve("var").resolve("a") + "/f", a.files().get(0).path()),
                () -> assertEquals("0600", a.files().get(0).mode()),
                () -> assertEquals(t.root.resolve("tmp").resolve("zed-" + hash) + "/g", a.files().get(1).path()),
                () -> assertEquals("0644", a.files().get(1).mode()),
                // no level block: the level is placed at the top of its own file, named as errors name it
                () -> assertEquals(new Pos("Zedfile", 1, 1), l.pos()));
    }

    @Test
    void dataset_mountpoints_follow_the_parent_pool_and_the_node_pool(@TempDir Path tmp, @TempDir Path tmp2) {
        Tree t = new Tree(tmp)
                .write("Zedfile", src("level { pool = 'tank/top' }"))
                .write("shop/Zedfile", src("dataset 'apps/web' {}"));
        ChainEvaluator.Result r = t.evaluate("shop", "shop");
        assertEquals(List.of(), rendered(r));
        assertEquals("tank/top", r.leaf().pool());
        assertEquals("/tank/top/apps/web", r.leaf().dataset("apps/web").mountpoint());
        assertEquals(r.levels().get(0).id() + "/shop", r.leaf().id());

        Tree u = new Tree(tmp2).write("shop/Zedfile", src("dataset 'apps/web' {}"));
        u.defaultPool = "zroot/zed";
        r = u.evaluate("shop", "shop");
        assertEquals(List.of(), rendered(r));
        assertEquals("zroot/zed", r.leaf().pool());
        assertEquals("/zroot/zed/apps/web", r.leaf().dataset("apps/web").mountpoint());
    }

    @Test
    void utf8_source_is_accepted(@TempDir Path tmp) {
        Tree t = new Tree(tmp).write("shop/Zedfile", src("service 'exec' 'a' {", "  runtime { cmd = ['echo', 'grüße'] }", "}")
                .getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("echo", "grüße"), t.evaluate("shop", "shop").leaf().service("exec", "a").runtime().cmd());
    }
}
