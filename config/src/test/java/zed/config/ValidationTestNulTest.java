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
 * A NUL character ({@code \u0000}, or the byte itself) in what becomes a path is an error at its place: no path
 * holds one, and evaluation threw InvalidPathException instead (the Zedfile fuzzer found the level name; the others
 * are where else a string of the file becomes a path).
 */
class ValidationTestNulTest {
    static Stream<Arguments> nul() {
        return Stream.of(
                c(1, 7, "level name \"a\u0000b\": use letters, digits, _ and -",
                        "level 'a\\u0000b' {}",
                        "service 'exec' 'a' {",
                        "  runtime { cmd = ['${fs::var()}/x'] }",
                        "}"),
                svc(3, 20, "file(): a path cannot hold a NUL character",
                        "  env = { X = file('a\\u0000b') }"),
                c(2, 3, "level.pool: a ZFS dataset name cannot hold a NUL character",
                        "level 'shop' {",
                        "  pool = 'tank\\u0000x'",
                        "}",
                        "dataset 'd' {}"),
                c(2, 3, "service.release.a.release: a path cannot hold a NUL character",
                        "service 'release' 'a' {",
                        "  release = 'a\\u0000.tgz'",
                        "}"),
                c(2, 3, "service.jar.a.jar: a path cannot hold a NUL character",
                        "service 'jar' 'a' {",
                        "  jar = 'a\\u0000.jar'",
                        "}"),
                c(3, 5, "service.go.a.src.path: a path cannot hold a NUL character",
                        "service 'go' 'a' {",
                        "  src {",
                        "    path = 'a\\u0000'",
                        "  }",
                        "}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nul")
    void aNulInAPathIsAnErrorAtItsPlace(String source, int line, int col, String message, @TempDir Path tmp) {
        assertOnlyError(tmp, source, line, col, message);
    }
}
