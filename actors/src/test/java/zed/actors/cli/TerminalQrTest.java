package zed.actors.cli;

import io.nayuki.qrcodegen.QrCode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TerminalQrTest {
    @Test
    void everyModuleIsDrawnWhereItIsTwoRowsALine() {
        String url = "http://127.0.0.1:7700/ui/login?key=" + "k".repeat(43);
        QrCode qr = QrCode.encodeText(url, QrCode.Ecc.LOW);
        String[] lines = TerminalQr.render(url).split("\n");
        int size = qr.size + 2 * TerminalQr.QUIET;
        assertEquals((size + 1) / 2, lines.length);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                char c = lines[y / 2].charAt(x);
                boolean drawnLight = y % 2 == 0 ? c == '█' || c == '▀' : c == '█' || c == '▄';
                int qx = x - TerminalQr.QUIET;
                int qy = y - TerminalQr.QUIET;
                boolean dark = qx >= 0 && qy >= 0 && qx < qr.size && qy < qr.size && qr.getModule(qx, qy);
                assertEquals(!dark, drawnLight, "module " + qx + "," + qy);
            }
        }
        assertEquals(size, lines[0].length(), "one character a module across: it fits an 80-column terminal for a link this long");
        assertEquals(true, size <= 80, "size " + size);
    }
}
