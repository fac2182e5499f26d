package zed.config;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.stream.Stream;

import static zed.config.ValidationTestSupport.assertOnlyError;
import static zed.config.ValidationTestSupport.c;
import static zed.config.ValidationTestSupport.svc;

/**
 * Structural validation (Schema, Structures): every message the structure check can produce, with its exact place.
 * Type and reference checks are in {@link ValidationTestSpecTest}, evaluation errors in {@link ValidationTestEvalTest},
 * chains, several errors at once and the valid example in {@link ValidationTestChainTest}, models and jobs
 * (refused until a node runs them) in {@link ValidationTestNotSupportedYetTest}.
 *
 * <p>Expectations follow ZEDFILE.md, not the implementation: where they differ the case fails on purpose. Nested
 * blocks are named the way references and the type checks name them (service.exec.a.health.http), because a name
 * such as "health.http" or "runtime" does not say which service an operator has to fix.
 */
class ValidationTest {

    static Stream<Arguments> structure() {
        return Stream.of(
                // ---- unknown attributes and blocks, with "did you mean" and the block/attribute hints
                c(1, 1, "unknown attribute \"x\" in the file",
                        "x = 1"),
                c(1, 1, "unknown attribute \"level\" in the file; level is a block: level { ... }",
                        "level = 'a'"),
                c(1, 1, "unknown block \"servce\" in the file; did you mean \"service\"?",
                        "servce 'exec' 'a' {",
                        "}"),
                c(1, 1, "unknown block \"frobnicate\" in the file",
                        "frobnicate {",
                        "}"),
                svc(3, 3, "unknown attribute \"datset\" in service.exec.a; did you mean \"dataset\"?",
                        "  datset = 'x'"),
                svc(3, 3, "unknown attribute \"restart\" in service.exec.a; restart is a block: restart { ... }",
                        "  restart = 1"),
                svc(3, 3, "unknown block \"vars\" in service.exec.a; vars is an attribute: vars = ...",
                        "  vars {", "  }"),
                svc(3, 3, "unknown block \"runtim\" in service.exec.a; did you mean \"runtime\"?",
                        "  runtim {", "  }"),
                svc(3, 3, "unknown attribute \"dir\" in service.exec.a",
                        "  dir = '/x'"),
                c(2, 3, "unknown attribute \"max_paralel\" in update; did you mean \"max_parallel\"?",
                        "update {",
                        "  max_paralel = 2",
                        "}"),
                c(2, 3, "unknown attribute \"keep_last\" in snapshots",
                        "snapshots {",
                        "  keep_last = 2",
                        "}"),
                c(2, 3, "unknown attribute \"hots\" in level; did you mean \"host\"?",
                        "level {",
                        "  hots = 'h1'",
                        "}"),
                c(2, 3, "unknown attribute \"mountpiont\" in dataset.d; did you mean \"mountpoint\"?",
                        "dataset 'd' {",
                        "  mountpiont = '/x'",
                        "}"),
                c(3, 3, "unknown attribute \"mountpoint2\" in dataset[\"apps/web\"]; did you mean \"mountpoint\"?",
                        "dataset 'apps/web' {",
                        "  mountpoint = '/x'",
                        "  mountpoint2 = '/x'",
                        "}"),
                c(5, 5, "unknown attribute \"readonly\" in jail.j.mount[\"/x\"]",
                        "dataset 'd' {}",
                        "jail 'j' {",
                        "  dataset = 'd'",
                        "  mount '/x' {",
                        "    readonly = true",
                        "    dataset = 'd'",
                        "  }",
                        "}"),
                svc(4, 5, "unknown attribute \"urll\" in service.exec.a.health.http; did you mean \"url\"?",
                        "  health 'http' {",
                        "    urll = 'http://x'",
                        "    url = 'http://x'",
                        "  }"),
                svc(4, 5, "unknown attribute \"port\" in service.exec.a.health.http",
                        "  health 'http' {",
                        "    port = 80",
                        "    url = 'http://x'",
                        "  }"),
                svc(4, 5, "unknown block \"retry\" in service.exec.a.health.http",
                        "  health 'http' {",
                        "    retry {",
                        "    }",
                        "    url = 'http://x'",
                        "  }"),
                c(3, 5, "unknown attribute \"env\" in service.exec.a.runtime",
                        "service 'exec' 'a' {",
                        "  runtime {",
                        "    env = {}",
                        "    cmd = ['a']",
                        "  }",
                        "}"),

                // ---- labels
                c(1, 1, "block \"update\" takes no labels",
                        "update 'x' {",
                        "}"),
                c(1, 1, "block \"dataset\" takes 1 label (dataset \"name\" { ... }), not 0",
                        "dataset {",
                        "}"),
                c(1, 1, "block \"service\" takes 2 labels (service \"kind\" \"name\" { ... }), not 1",
                        "service 'web' {",
                        "}"),
                c(1, 1, "block \"level\" takes at most 1 label (level \"name\" { ... }), not 2",
                        "level 'a' 'b' {",
                        "}"),
                svc(3, 3, "block \"health\" takes 1 label (health \"kind\" { ... }), not 0",
                        "  health {",
                        "  }"),

                // ---- duplicates
                c(2, 1, "block \"update\" is already declared at Zedfile:1:1",
                        "update {}",
                        "update {}"),
                c(2, 1, "is already declared at Zedfile:1:1",
                        "dataset 'd' {}",
                        "dataset 'd' {}"),
                // same-level duplicates should read like the cross-level one in ZEDFILE.md: service.exec.a is already declared ...
                c(4, 1, "service.exec.a is already declared at Zedfile:1:1",
                        "service 'exec' 'a' {",
                        "  runtime { cmd = ['a'] }",
                        "}",
                        "service 'exec' 'a' {",
                        "  runtime { cmd = ['a'] }",
                        "}"),
                svc(4, 3, "block \"service.exec.a.restart\" is already declared at Zedfile:3:3",
                        "  restart {}",
                        "  restart {}"),
                c(3, 3, "attribute \"keep\" is already set at Zedfile:2:3",
                        "snapshots {",
                        "  keep = 1",
                        "  keep = 2",
                        "}"),

                // ---- required attributes
                c(1, 1, "jail.j: missing required attribute \"dataset\"",
                        "jail 'j' {",
                        "}"),
                c(4, 3, "jail.j.mount[\"/x\"]: missing required attribute \"dataset\"",
                        "dataset 'd' {}",
                        "jail 'j' {",
                        "  dataset = 'd'",
                        "  mount '/x' {}",
                        "}"),
                svc(3, 3, "service.exec.a.file.c: missing required attribute \"path\"",
                        "  file 'c' {",
                        "    body = ''",
                        "  }"),
                svc(3, 3, "service.exec.a.file.c: missing required attribute \"body\"",
                        "  file 'c' {",
                        "    path = '/c'",
                        "  }"),
                svc(3, 3, "service.exec.a.sudo.s: missing required attribute \"apply\"",
                        "  sudo 's' {",
                        "    check = 'true'",
                        "  }"),
                svc(3, 3, "service.exec.a.health.http: missing required attribute \"url\"",
                        "  health 'http' {}"),
                svc(3, 3, "service.exec.a.health.tcp: missing required attribute \"port\"",
                        "  health 'tcp' {}"),
                svc(3, 3, "service.exec.a.health.exec: missing required attribute \"command\"",
                        "  health 'exec' {}"),
                c(2, 3, "service.go.a.git: missing required attribute \"url\"",
                        "service 'go' 'a' {",
                        "  git { tag = 'v1' }",
                        "}"),
                c(2, 3, "service.go.a.src: missing required attribute \"path\"",
                        "service 'go' 'a' {",
                        "  src { exe = 'a' }",
                        "}"),
                c(1, 1, "service.release.a: missing required attribute \"release\"",
                        "service 'release' 'a' {",
                        "}"),
                c(1, 1, "service.jar.a: missing required attribute \"jar\"",
                        "service 'jar' 'a' {",
                        "}"),

                // ---- service kinds
                c(1, 9, "unknown service kind \"exex\"; did you mean \"exec\"?",
                        "service 'exex' 'a' {",
                        "}"),
                c(1, 9, "unknown service kind \"docker\"; kinds are exec, release, go and jar",
                        "service 'docker' 'a' {",
                        "}"),
                svc(3, 3, "attribute \"release\" belongs to release services, not to exec services",
                        "  release = 'a.tgz'"),
                svc(3, 3, "attribute \"jar\" belongs to jar services, not to exec services",
                        "  jar = 'a.jar'"),
                svc(3, 3, "block \"git\" belongs to go services, not to exec services",
                        "  git { url = 'u' }"),
                c(3, 3, "block \"src\" belongs to go services, not to jar services",
                        "service 'jar' 'a' {",
                        "  jar = 'a.jar'",
                        "  src { path = '.' }",
                        "}"),
                c(1, 1, "service.go.a: a go service needs a git { url = ... } or a src { path = ... } block",
                        "service 'go' 'a' {",
                        "}"),
                c(1, 1, "service.exec.a: an exec service needs runtime { cmd = [...] }",
                        "service 'exec' 'a' {",
                        "}"),
                c(1, 1, "service.exec.a: an exec service needs runtime { cmd = [...] }",
                        "service 'exec' 'a' {",
                        "  runtime { after = [] }",
                        "}"),
                c(2, 3, "service.go.a.git: set only one of tag, branch and rev",
                        "service 'go' 'a' {",
                        "  git {",
                        "    url = 'https://example.com/a.git'",
                        "    tag = 'v1'",
                        "    rev = 'abc'",
                        "  }",
                        "}"),

                // ---- health kinds
                svc(3, 10, "unknown health check kind \"htp\"; did you mean \"http\"?",
                        "  health 'htp' {}"),
                svc(3, 10, "unknown health check kind \"grpc\"; kinds are http, tcp and exec",
                        "  health 'grpc' {}")
        );
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("structure")
    void structural_errors(String source, int line, int col, String message, @TempDir Path tmp) {
        assertOnlyError(tmp, source, line, col, message);
    }
}
