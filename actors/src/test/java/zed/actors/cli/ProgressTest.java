package zed.actors.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What {@code zed up} shows while a level converges, on a terminal and in a log. */
class ProgressTest {
    final ObjectMapper json = new ObjectMapper();
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    JsonNode status(String state, String health, long pid) throws Exception {
        return json.readTree("""
                {"state": "%s", "resources": [
                  {"kind": "dataset", "name": "apps/web", "state": "converged"},
                  {"kind": "service", "name": "service.exec.web", "revision": 1, "state": "RUNNING", "gate": "%s", "health": "Healthy", "pid": %d, "print": "http://127.0.0.1:8080/"}
                ]}""".formatted(state, health, pid));
    }

    Progress progress(boolean terminal, int width) {
        return new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), terminal, width);
    }

    @Test
    void inALogEachChangeIsOneLine() throws Exception {
        Progress p = progress(false, 80);
        p.show("shop", status("Converging", "pending", 0), Duration.ofSeconds(1));
        p.show("shop", status("Converging", "pending", 0), Duration.ofSeconds(2));
        p.show("shop", status("Converged", "passed", 42), Duration.ofSeconds(3));
        p.finish();
        assertEquals("""
                  dataset apps/web  converged
                  service service.exec.web  RUNNING pending (healthy)  http://127.0.0.1:8080/
                  service service.exec.web  RUNNING passed (healthy)  pid 42  http://127.0.0.1:8080/
                """, bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void onATerminalTheLinesAreRedrawnInPlaceAndTheStatusLineGoesAtTheEnd() throws Exception {
        Progress p = progress(true, 60);
        p.show("shop", status("Converging", "pending", 0), Duration.ofSeconds(1));
        assertEquals(List.of("  dataset apps/web  converged", "  service service.exec.web  RUNNING pending (healthy)  h...",
                "  shop: Converging (1s)"), screen(bytes.toString(StandardCharsets.UTF_8)));
        p.show("shop", status("Converged", "passed", 42), Duration.ofSeconds(2));
        assertEquals(List.of("  dataset apps/web  converged", "  service service.exec.web  RUNNING passed (healthy)  pi...",
                "  shop: Converged (2s)"), screen(bytes.toString(StandardCharsets.UTF_8)));
        p.finish();
        assertEquals(List.of("  dataset apps/web  converged", "  service service.exec.web  RUNNING passed (healthy)  pi..."),
                screen(bytes.toString(StandardCharsets.UTF_8)));
    }

    /** The lines a terminal shows after {@code out}: text, newlines, CSI n F (n lines up, to the start) and CSI J (clear below). */
    static List<String> screen(String out) {
        List<String> lines = new ArrayList<>(List.of(""));
        int row = 0;
        Matcher m = Pattern.compile("\033\\[(\\d*)([FJ])|\n|[^\033\n]+").matcher(out);
        while (m.find()) {
            String t = m.group();
            if (t.equals("\n")) {
                row++;
                if (row == lines.size()) lines.add("");
            } else if ("F".equals(m.group(2))) {
                row = Math.max(0, row - Integer.parseInt(m.group(1)));
            } else if ("J".equals(m.group(2))) {
                lines.subList(row + 1, lines.size()).clear();
                lines.set(row, "");
            } else {
                lines.set(row, lines.get(row) + t);
            }
        }
        if (lines.get(lines.size() - 1).isEmpty()) lines.remove(lines.size() - 1);
        return lines;
    }
}
