package zed.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static zed.config.ValidationTestSupport.DUR;
import static zed.config.ValidationTestSupport.assertOnlyError;
import static zed.config.ValidationTestSupport.c;

/** failover { standby, every, auto }: what a level with a standby must say, each error at its place. */
class ValidationTestFailoverTest {

    static Stream<Arguments> refused() {
        return Stream.of(
                c(1, 1, "failover needs level.host: a standby is another host than the level's",
                        "failover { standby = 'h3' }"),
                c(2, 12, "failover.standby must be another host than level.host (\"h1\")",
                        "level 'shop' { host = 'h1' }",
                        "failover { standby = 'h1' }"),
                c(2, 12, "failover.standby: \"h 3\" is not a host name",
                        "level 'shop' { host = 'h1' }",
                        "failover { standby = 'h 3' }"),
                c(2, 1, "failover: missing required attribute \"standby\"",
                        "level 'shop' { host = 'h1' }",
                        "failover { every = '30s' }"),
                c(3, 3, "failover.every must be at least 1s, not 500ms",
                        "level 'shop' { host = 'h1' }",
                        "failover {",
                        "  every   = '500ms'",
                        "  standby = 'h3'",
                        "}"),
                c(2, 28, "failover.every" + DUR + "number 30",
                        "level 'shop' { host = 'h1' }",
                        "failover { standby = 'h3', every = 30 }"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void a_wrong_failover_is_refused_at_its_place(String source, int line, int col, String message, @TempDir Path tmp) {
        assertOnlyError(tmp, source, line, col, message);
    }

    @Test
    void a_standby_with_its_defaults_is_in_the_spec(@TempDir Path tmp) {
        Tree t = new Tree(tmp).write("shop/Zedfile", "level \"shop\" { host = \"h1\" }\nfailover {\n  standby = \"h3\"\n  auto = false\n}\n");
        LevelSpec.FailoverPolicy f = t.leaf("shop").failover();
        assertEquals(List.of("h3", Duration.ofSeconds(30), false), List.of(f.standby(), f.every(), f.auto()));
        assertEquals(new Pos("shop/Zedfile", 2, 1), f.pos());
        assertEquals(null, new Tree(tmp.resolve("b")).write("shop/Zedfile", "level \"shop\" {}\n").leaf("shop").failover());
        LevelSpec.FailoverPolicy auto = new Tree(tmp.resolve("c")).write("shop/Zedfile", "level \"shop\" { host = \"h1\" }\nfailover {\n  standby = \"h3\"\n  auto = true\n}\n")
                .leaf("shop").failover();
        assertEquals(true, auto.auto(), "auto = true is taken: the level moves to its standby when the cluster downs its host");
    }
}
