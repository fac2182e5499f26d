package zed.actors.boot;

/** One step of {@code zed agent install}, with uids and gids already looked up in the root's own passwd and group. */
public sealed interface Change {
    /** What is said of it, one line. */
    String describe();

    record AddAccount(Wanted.Account account) implements Change {
        @Override
        public String describe() {
            return "add system user " + account.name() + " (" + account.comment() + ", home " + account.home() + ", no login shell)";
        }
    }

    record MakeDirectory(String path, int mode, int uid, int gid, String owner) implements Change {
        @Override
        public String describe() {
            return "make " + path + "/ " + Modes.octal(mode) + " " + owner;
        }
    }

    /** @param why "write" for a new file, or why an existing one is replaced */
    record WriteFile(String path, int mode, int uid, int gid, String owner, String text, String why) implements Change {
        @Override
        public String describe() {
            return why + " " + path + " " + Modes.octal(mode) + " " + owner;
        }
    }

    record SetMode(String path, int from, int to) implements Change {
        @Override
        public String describe() {
            return "chmod " + path + " " + Modes.octal(from) + " -> " + Modes.octal(to);
        }
    }

    record SetOwner(String path, int uid, int gid, String owner) implements Change {
        @Override
        public String describe() {
            return "chown " + path + " " + owner;
        }
    }

    /** @param paths how many under it were another's */
    record SetTreeOwner(String path, int uid, int gid, String owner, String except, int paths) implements Change {
        @Override
        public String describe() {
            return "chown " + paths + " path" + (paths == 1 ? "" : "s") + " under " + path + "/ to " + owner + " (left by an agent that ran as root)";
        }
    }

    record MoveFile(String from, String to, int mode, int uid, int gid, String owner, String why) implements Change {
        @Override
        public String describe() {
            return "move " + from + " to " + to + " " + Modes.octal(mode) + " " + owner + " (" + why + ")";
        }
    }
}
