package zed.reconciler.process;

import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;

/**
 * The C library's process calls (posix_spawn, waitpid, kill) through jnr-posix, loaded on first use. Native or not at
 * all: jnr-posix's pure-Java stand-in can do none of them.
 */
final class Libc {
    private Libc() {
    }

    private static final class Loaded {
        static final POSIX POSIX = load();

        private static POSIX load() {
            POSIX p = POSIXFactory.getNativePOSIX();
            if (!p.isNative()) throw new UnsupportedOperationException("the C library could not be loaded through jnr-posix");
            return p;
        }
    }

    static POSIX posix() {
        return Loaded.POSIX;
    }
}
