package zed.actors.boot;

import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/** File modes as the operator writes them (0750) and as the JDK holds them (a set of permissions). */
final class Modes {
    private Modes() {
    }

    /** Owner, group, others; read, write, execute: bit 8 down to bit 0, the order of {@link PosixFilePermission}. */
    private static final PosixFilePermission[] BITS = PosixFilePermission.values();

    static String octal(int mode) {
        return String.format("%04o", mode);
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
        for (int i = 0; i < 9; i++) if ((mode & (1 << (8 - i))) != 0) s.add(BITS[i]);
        return s;
    }

    static int mode(Set<PosixFilePermission> permissions) {
        int m = 0;
        for (int i = 0; i < 9; i++) if (permissions.contains(BITS[i])) m |= 1 << (8 - i);
        return m;
    }
}
