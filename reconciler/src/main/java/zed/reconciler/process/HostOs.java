package zed.reconciler.process;

import java.util.Locale;

/**
 * The operating system this node runs on, named from {@code os.name}: where the kernels differ (the format of
 * {@code /proc}, where a process's open descriptors are listed), the code says which one it means rather than guessing
 * from which files happen to exist.
 */
enum HostOs {
    LINUX, FREEBSD, ILLUMOS, MACOS, OTHER;

    private static final HostOs CURRENT = of(System.getProperty("os.name", ""));

    static HostOs current() {
        return CURRENT;
    }

    /** illumos (and Solaris) call themselves "SunOS"; macOS "Mac OS X". */
    static HostOs of(String osName) {
        String n = osName.toLowerCase(Locale.ROOT);
        if (n.equals("linux")) return LINUX;
        if (n.equals("freebsd")) return FREEBSD;
        if (n.equals("sunos")) return ILLUMOS;
        if (n.startsWith("mac")) return MACOS;
        return OTHER;
    }
}
