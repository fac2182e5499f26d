package zed.config.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** One Zedfile as the fuzzer feeds it: bytes, which need not be UTF-8. Equal by content; shown as its text. */
public record Zedfile(byte[] bytes) {
    public Zedfile {
        bytes = bytes.clone();
    }

    public static Zedfile of(String text) {
        return new Zedfile(text.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    public int size() {
        return bytes.length;
    }

    /** The text, with U+FFFD where the bytes are not UTF-8. */
    public String text() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Zedfile z && Arrays.equals(bytes, z.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        // what jqwik prints for a falsified sample: the file itself, cut short when huge
        String t = text();
        return "\n--- Zedfile (" + bytes.length + " bytes) ---\n" + (t.length() > 4000 ? t.substring(0, 4000) + "\n[... cut]" : t);
    }
}
