package zed.actors.ui.passkey;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import zed.actors.http.OwnerOnly;
import zed.actors.http.Scope;
import zed.actors.ui.Authority;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * {@code $ZED_HOME/passkeys.json}: the registered passkeys, mode 0600, written whole and renamed over the old (a reader
 * sees one or the other). A file its group or others may read or write is refused, as the token files are: it says
 * who may log in. Each change reads the file again, under this object's lock (one node writes it).
 */
public final class PasskeysFile {
    public static final String NAME = "passkeys.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    public PasskeysFile(Path zedHome) {
        this.file = zedHome.resolve(NAME);
    }

    public Path file() {
        return file;
    }

    public synchronized List<Passkey> all() {
        try {
            if (Files.exists(file)) {
                String breach = OwnerOnly.breach(file);
                if (breach != null) throw new IllegalStateException(file + " may be read or written by its group or others (" + breach + "): chmod 600 " + file);
            }
            List<Passkey> out = new ArrayList<>();
            for (JsonNode n : JSON.readTree(Files.readString(file, StandardCharsets.UTF_8)).path("passkeys")) out.add(of(n));
            return out;
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    public Optional<Passkey> find(String id) {
        return all().stream().filter(p -> p.id().equals(id)).findFirst();
    }

    /** Replaces the passkeys with {@code change} of them, at once. */
    public synchronized void change(UnaryOperator<List<Passkey>> change) {
        List<Passkey> next = change.apply(new ArrayList<>(all()));
        ObjectNode root = JSON.createObjectNode();
        ArrayNode a = root.putArray("passkeys");
        for (Passkey p : next) {
            ObjectNode o = a.addObject().put("id", p.id()).put("name", p.name()).put("created", p.created().toString())
                    .put("scope", p.scope().word()).put("token", p.token()).put("counter", p.counter()).put("credential", p.credential());
            if (p.lastUsed() != null) o.put("lastUsed", p.lastUsed().toString());
            if (p.authority() != null) o.put("authority", p.authority().stored());
        }
        try {
            OwnerOnly.replace(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static Passkey of(JsonNode n) {
        return new Passkey(n.path("id").asText(), n.path("name").asText(), Instant.parse(n.path("created").asText()),
                n.hasNonNull("lastUsed") ? Instant.parse(n.get("lastUsed").asText()) : null, Scope.of(n.path("scope").asText()),
                n.path("token").asText(), n.path("counter").asLong(), n.path("credential").asText(), Authority.parse(n.path("authority").asText(null)));
    }
}
