package zed.actors.ui.ssh;

/** What became of a login with an SSH key: the listed key that signed, or why it is refused. */
public sealed interface Verdict {
    record Verified(AuthorizedKeys.Listed key) implements Verdict {
    }

    record Refused(String why) implements Verdict {
    }
}
