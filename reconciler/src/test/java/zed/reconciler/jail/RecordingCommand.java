package zed.reconciler.jail;

import zed.reconciler.store.Command;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A {@link Command} that runs nothing: it records every argv and lets a fake of the platform's tool answer. For the
 * FreeBSD and Bastille drivers, whose tools cannot run on the Linux machines the tests run on.
 */
final class RecordingCommand implements Command {
    static final Result OK = new Result(0, "", "");
    final List<List<String>> calls = new ArrayList<>();
    private final Function<List<String>, Result> tool;

    RecordingCommand(Function<List<String>, Result> tool) {
        this.tool = tool;
    }

    @Override
    public synchronized Result run(List<String> argv, Duration timeout, String subject) {
        calls.add(List.copyOf(argv));
        return tool.apply(argv);
    }

    /** Each recorded argv, its words joined by single spaces. */
    synchronized List<String> lines() {
        return calls.stream().map(a -> String.join(" ", a)).toList();
    }

    static Result ok(String stdout) {
        return new Result(0, stdout, "");
    }

    static Result fail(int exit, String stderr) {
        return new Result(exit, "", stderr);
    }
}
