package zed.actors.boot;

/** One thing a host needs to run Zed at boot ({@link BootLayout}); paths are the host's, absolute, before any root. */
public sealed interface Wanted {
    /** A system user with a group of its own name, no login shell and no home of its own made. */
    record Account(String name, String comment, String home) implements Wanted {
    }

    /** A directory of Zed's, with exactly this mode and owner. */
    record Directory(String path, int mode, String owner, String group) implements Wanted {
    }

    /**
     * A file with this text, mode and owner. An operator's file ({@code agent.conf}) is written once: what is there
     * after is theirs, never overwritten or re-moded.
     */
    record Content(String path, int mode, String owner, String group, String text, boolean operators) implements Wanted {
    }
}
