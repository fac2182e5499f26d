package zed.actors.cli;

import io.nayuki.qrcodegen.QrCode;

/**
 * A QR code as text for a terminal: two rows of modules to a line, drawn with half blocks, light modules drawn and dark
 * ones left blank (the terminal's dark background), with a quiet zone of two modules around. Pure.
 */
final class TerminalQr {
    static final int QUIET = 2;

    private TerminalQr() {
    }

    static String render(String text) {
        QrCode qr = QrCode.encodeText(text, QrCode.Ecc.LOW);
        int size = qr.size + 2 * QUIET;
        StringBuilder b = new StringBuilder();
        for (int y = 0; y < size; y += 2) {
            for (int x = 0; x < size; x++) {
                boolean top = light(qr, x - QUIET, y - QUIET);
                boolean bottom = y + 1 >= size || light(qr, x - QUIET, y + 1 - QUIET);
                b.append(top && bottom ? '█' : top ? '▀' : bottom ? '▄' : ' ');
            }
            b.append('\n');
        }
        return b.toString();
    }

    /** Outside the code (the quiet zone) is light. */
    private static boolean light(QrCode qr, int x, int y) {
        return x < 0 || y < 0 || x >= qr.size || y >= qr.size || !qr.getModule(x, y);
    }
}
