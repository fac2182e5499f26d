package zed.reconciler.service;

import zed.config.LevelSpec.GitSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** A go service's {@code git { url, tag | branch | rev }}: cloned once into the service's work directory, fetched after. */
final class GitCheckout {
    private static final Duration TIMEOUT = Duration.ofMinutes(10);
    /** An abbreviated or full commit id, SHA-1 or SHA-256. */
    private static final Pattern COMMIT_ID = Pattern.compile("[0-9a-fA-F]{4,64}");

    private final String service;
    private final GitSource source;
    /** The url as messages show it: a password or token in it never reaches a log. */
    private final String shown;
    private final Path git;
    private final Map<String, String> env;

    GitCheckout(String service, GitSource source, Host host) {
        this.service = service;
        this.source = source;
        this.shown = Run.redact(source.url());
        this.git = host.tool(service, "git", "to fetch git { url = \"" + shown + "\" }");
        Map<String, String> e = new HashMap<>(host.env());
        // no one is there to type a password: fail instead of waiting for one
        e.put("GIT_TERMINAL_PROMPT", "0");
        e.putIfAbsent("GIT_SSH_COMMAND", "ssh -o BatchMode=yes");
        this.env = Map.copyOf(e);
        // git would read a leading "-" as an option (--upload-pack= runs a command)
        if (source.url().isBlank() || source.url().startsWith("-")) throw new ServiceError(service, "git url \"" + shown + "\" is not a url");
        for (String ref : new String[]{source.tag(), source.branch()}) {
            if (ref != null && (ref.isBlank() || ref.startsWith("-"))) throw new ServiceError(service, "git ref \"" + ref + "\" is not a valid name");
        }
        // a rev is a commit id; a name there would resolve against the clone's own stale branches, not the remote's
        if (source.rev() != null && !COMMIT_ID.matcher(source.rev()).matches()) {
            throw new ServiceError(service, "git rev \"" + source.rev() + "\" is not a commit id; for a branch or a tag use branch = or tag =");
        }
    }

    static boolean isClone(Path dir) {
        return Files.isDirectory(dir.resolve(".git"));
    }

    /** Clones into {@code dir}, an empty directory; nothing is checked out yet. */
    void cloneInto(Path dir) {
        Run.Result r = Run.run(service, List.of(git.toString(), "clone", "--quiet", "--no-checkout", "--", source.url(), dir.toString()), null, env, TIMEOUT);
        if (!r.ok()) throw new ServiceError(service, "cannot clone " + shown + ": " + r.said());
    }

    /** Brings an earlier clone up to date: the url may have changed, branches moved, tags come, gone or moved. */
    void fetch(Path dir) {
        git(dir, "cannot set the url of the clone in " + dir, "remote", "set-url", "origin", source.url());
        git(dir, "cannot fetch " + shown, "fetch", "--quiet", "--prune", "--force", "origin",
                "+refs/heads/*:refs/remotes/origin/*", "+refs/tags/*:refs/tags/*");
    }

    /** The commit to build: the tag's, the branch's newest, the rev, or the newest of the remote's default branch. */
    String resolve(Path dir) {
        String ref;
        String missing;
        if (source.tag() != null) {
            ref = "refs/tags/" + source.tag();
            missing = "git tag \"" + source.tag() + "\" does not exist in " + shown;
        } else if (source.branch() != null) {
            ref = "refs/remotes/origin/" + source.branch();
            missing = "git branch \"" + source.branch() + "\" does not exist in " + shown;
        } else if (source.rev() != null) {
            ref = source.rev();
            missing = "git rev \"" + source.rev() + "\" is not a commit in " + shown;
        } else {
            // the remote's default branch may have changed since the clone: ask it again
            git(dir, "cannot find the default branch of " + shown, "remote", "set-head", "origin", "--auto");
            ref = "refs/remotes/origin/HEAD";
            missing = shown + " has no default branch; set git { branch = \"...\" }";
        }
        Run.Result r = run(dir, "rev-parse", "--verify", "--quiet", ref + "^{commit}");
        if (!r.ok()) throw new ServiceError(service, missing);
        return r.out().strip();
    }

    /** Makes the working tree exactly that commit: no local edits, no files from an earlier build. */
    void checkout(Path dir, String commit) {
        git(dir, "cannot check out " + commit, "checkout", "--quiet", "--force", "--detach", commit);
        git(dir, "cannot clean the checkout in " + dir, "clean", "-ffdxq");
    }

    private void git(Path dir, String failure, String... args) {
        Run.Result r = run(dir, args);
        if (!r.ok()) throw new ServiceError(service, failure + ": " + r.said());
    }

    private Run.Result run(Path dir, String... args) {
        List<String> argv = new ArrayList<>(List.of(git.toString(), "-C", dir.toString()));
        argv.addAll(List.of(args));
        return Run.run(service, argv, null, env, TIMEOUT);
    }
}
