package zed.actors.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import zed.reconciler.secret.SecretStore;
import zed.reconciler.secret.Slot;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/**
 * {@code zed secrets rotate SLOT [--field F]}: the new value from standard input, as {@code set}; the store keeps the
 * old one archived and snapshots itself before and after ({@link SecretStore#rotate}); then the running node is told
 * which slot rotated (never the value) and restarts its consumers one at a time through their health gates. Without a
 * node the value is rotated all the same, and the command says that the consumers were not restarted.
 */
@Command(name = "rotate", description = {"Rotates SLOT to the value on standard input (as set): the old value is kept in the store's archive/,",
        "the store is snapshotted before and after, and the running node restarts the slot's consumers one at a time through",
        "their health gates, stopping at the first that fails. Exit 0 when every consumer is healthy on the new value."})
final class SecretsRotateCommand extends SecretsAction {
    /** The roll waits for each consumer's health gate: far longer than a usual request. */
    static final int ROLL_MS = (int) java.time.Duration.ofMinutes(15).toMillis();

    @Parameters(index = "0", paramLabel = "SLOT")
    String slot;

    @Option(names = "--field", paramLabel = "F", description = "the field of SLOT to rotate; the others stay")
    String field;

    /** A value given as an argument, by mistake: refused without being echoed. */
    @Parameters(index = "1..*", hidden = true)
    List<String> argumentValue;

    @Mixin
    NodeOptions nodeOptions;

    InputStream in = System.in;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = out();
        PrintWriter err = err();
        Slot s = SecretsPlace.slot(spec, slot);
        if (argumentValue != null && !argumentValue.isEmpty()) {
            err.println("zed: a value is never an argument (ps and the shell's history show those); nothing was changed:"
                    + " zed secrets rotate " + s + " < FILE, or type it when asked");
            return 2;
        }
        SecretStore store = place.secrets();
        byte[] value = SecretsSetCommand.read(in, slot);
        if (value.length == 0) {
            err.println("zed: no value on standard input for slot \"" + s + "\"; nothing was changed");
            return 1;
        }
        SecretStore.Rotation r = store.rotate(s, field, value);
        java.util.Arrays.fill(value, (byte) 0);
        out.println("rotated " + s + (field == null ? "" : " field " + field) + " (rotation " + r.count() + ", " + store.record(s).fingerprint() + ")");
        out.println("  the previous value is kept in " + r.archived() + "; snapshots " + r.before() + ", " + r.after());
        List<String> consumers = store.record(s).consumers();
        NodeClient node = nodeOptions.client();
        NodeClient.Answer a;
        try {
            a = node.send("POST", "/v1/secrets/" + s + "/rotated", Map.of(), ROLL_MS);
        } catch (IOException e) {
            out.flush();
            if (consumers.isEmpty()) return 0;
            err.println("zed: no node answers at " + node.base + " (" + e.getMessage() + "): the consumers of " + s + " were NOT restarted: "
                    + String.join(", ", consumers) + "; each reads the new value at its next start");
            return 1;
        }
        if (!a.ok()) {
            out.flush();
            a.errors().forEach(err::println);
            // a roll that outlasted the request goes on in the node: its events say how each consumer fared
            err.println("zed: the node did not report a roll of " + s + (consumers.isEmpty() ? "" : " (consumers: " + String.join(", ", consumers) + ")")
                    + "; any roll it began goes on: zed events shows a SecretConsumerRestarted for each consumer it restarts");
            return 1;
        }
        return report(s, a.body(), place.keyFile(), out, err);
    }

    private static int report(Slot s, JsonNode body, java.nio.file.Path key, PrintWriter out, PrintWriter err) {
        JsonNode steps = body.path("consumers");
        if (steps.isEmpty()) out.println("  no consumer of " + s + " to restart");
        for (JsonNode c : steps) {
            String why = c.path("why").isTextual() ? ": " + c.get("why").asText() : "";
            out.println("  " + c.path("consumer").asText() + " " + c.path("outcome").asText() + why);
        }
        out.flush();
        if (!body.path("stoppedAt").isTextual()) return 0;
        String at = body.get("stoppedAt").asText();
        err.println("zed: the roll stopped at " + at + ", which is not healthy on the new value; those after it still run on the old one."
                + " The old value is in the store's archive/" + s + ".<n>.age: to go back, zed secrets rotate " + s + " with it"
                + " (age -d -i " + key + " ARCHIVED | zed secrets rotate " + s + ")");
        err.flush();
        return 1;
    }
}
