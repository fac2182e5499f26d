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

    /**
     * Everything under a directory of Zed's owned by the agent: an agent that ran as root (before the unit ran it as
     * its own user) left its journal, token and store root's, which the agent as that user could not open.
     *
     * @param except a path under it that keeps its owner (the host key, which moves instead)
     */
    record OwnedTree(String path, String owner, String group, String except) implements Wanted {
    }

    /**
     * A file of an older layout that now lives elsewhere: moved there if it is there and the new place is free (the
     * host key, from the agent's {@code ZED_HOME}, which the agent owns now, to where only root writes).
     */
    record Moved(String from, String to, int mode, String owner, String group, String why) implements Wanted {
    }
}
