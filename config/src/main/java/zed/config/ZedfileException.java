package zed.config;

import java.util.List;
import java.util.stream.Collectors;

/** A Zedfile (or a chain of them) is invalid. Carries every error found, not only the first. */
public final class ZedfileException extends RuntimeException {
    private final List<Diagnostic> diagnostics;

    public ZedfileException(List<Diagnostic> diagnostics) {
        super(diagnostics.stream().sorted().map(Diagnostic::render).collect(Collectors.joining("\n")));
        this.diagnostics = diagnostics.stream().sorted().distinct().toList();
    }

    public ZedfileException(Pos pos, String message) {
        this(List.of(new Diagnostic(pos, message)));
    }

    public List<Diagnostic> diagnostics() {
        return diagnostics;
    }
}
