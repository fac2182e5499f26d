package zed.actors.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import zed.reconciler.secret.SecretStore;
import zed.reconciler.secret.Slot;

import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code zed secrets set SLOT [--field F]}: the value from standard input, never from an argument (which ps shows). */
@Command(name = "set", description = {"Sets SLOT to the value on standard input (never an argument: ps shows those); on a terminal it asks",
        "without echo. One trailing newline is not part of the value. With --field, SLOT holds fields (a JSON object) and F is set."})
final class SecretsSetCommand extends SecretsAction {
    @Parameters(index = "0", paramLabel = "SLOT", description = "lowercase letters, digits, '_' and '-'")
    String slot;

    @Option(names = "--field", paramLabel = "F", description = "the field of SLOT to set; the others stay")
    String field;

    /** A value given as an argument, by mistake: refused without being echoed (picocli's own error would print it). */
    @Parameters(index = "1..*", hidden = true)
    java.util.List<String> argumentValue;

    /** Standard input; a test's own in its place. */
    InputStream in = System.in;

    @Override
    public Integer call() throws IOException {
        Slot s = SecretsPlace.slot(spec, slot);
        if (argumentValue != null && !argumentValue.isEmpty()) {
            err().println("zed: a value is never an argument (ps and the shell's history show those); nothing was changed:"
                    + " zed secrets set " + s + " < FILE, or type it when asked");
            return 2;
        }
        SecretStore store = place.secrets();
        byte[] value = read(in, slot);
        if (value.length == 0) {
            err().println("zed: no value on standard input for slot \"" + s + "\"; nothing was changed");
            return 1;
        }
        store.set(s, field, value);
        out().println("set " + s + (field == null ? "" : " field " + field) + " (" + store.record(s).fingerprint() + ")");
        return 0;
    }

    /** The value on {@code in}; on a terminal it is asked for without echo. */
    static byte[] read(InputStream in, String slot) throws IOException {
        Console console = in == System.in ? System.console() : null;
        if (console == null) return in.readNBytes(SecretStore.MAX_BYTES + 1);
        char[] typed = console.readPassword("value for %s: ", slot);
        if (typed == null) return new byte[0];
        var b = StandardCharsets.UTF_8.encode(CharBuffer.wrap(typed));
        java.util.Arrays.fill(typed, '\0');
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    @Command(name = "import", description = "Stores FILE.age as SLOT, as it is, once it opens with the host key: a file made elsewhere with age -r $(zed secrets export-pubkey).")
    static final class Import extends SecretsAction {
        @Parameters(index = "0", paramLabel = "SLOT")
        String slot;

        @Parameters(index = "1", paramLabel = "FILE.age")
        Path file;

        @Override
        public Integer call() {
            Slot s = SecretsPlace.slot(spec, slot);
            SecretStore store = place.secrets();
            byte[] age;
            try {
                age = Files.readAllBytes(file);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + file + ": " + e.getClass().getSimpleName());
            }
            store.importAge(s, age);
            out().println("imported " + s + " (" + store.record(s).fingerprint() + ")");
            return 0;
        }
    }
}
