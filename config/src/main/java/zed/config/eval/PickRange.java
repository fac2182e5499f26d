package zed.config.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where {@code net::pickport()} looks for a port: below the kernel's ephemeral range, which outgoing connections
 * draw from, and above the well-known and common fixed ports. Linux says its range in
 * {@code /proc/sys/net/ipv4/ip_local_port_range} (32768-60999 by default); elsewhere, or when that leaves too little
 * room below it, 20000-32767.
 */
record PickRange(int first, int last) {
    static final int FLOOR = 20000;
    static final PickRange DEFAULT = new PickRange(FLOOR, 32767);

    static PickRange of(Path ephemeral) {
        try {
            return below(Files.readString(ephemeral));
        } catch (IOException | RuntimeException e) {
            return DEFAULT;
        }
    }

    /** From the text of ip_local_port_range, "LOW\tHIGH". */
    static PickRange below(String ephemeral) {
        String[] f = ephemeral.trim().split("\\s+");
        int low = Integer.parseInt(f[0]);
        return low - FLOOR >= 1000 ? new PickRange(FLOOR, low - 1) : DEFAULT;
    }
}
