package zed.reconciler.jail;

import zed.reconciler.process.RunAs;

import java.util.List;

/**
 * Brings jails to their declared state and runs commands inside them. One per host platform ({@link Jails} picks):
 * {@link BwrapJail} on Linux, {@link FreeBsdJail} with jail(8), {@link BastilleJail} where Bastille manages jails.
 *
 * <p>Every method checks the jail's name before it runs anything and throws {@link JailError}, naming the jail, on
 * failure. Not sealed: the layers above substitute drivers in their own tests.
 */
public interface JailDriver {
    /** The configuration this driver would apply for {@code jail}, as text; nothing runs. Its hash is {@link #confHash}. */
    String render(JailSetup jail);

    /** What {@link JailState#confHash()} will say once {@code jail} is ensured. */
    default String confHash(JailSetup jail) {
        return JailState.hashOf(render(jail));
    }

    /**
     * Makes the jail exist, configured as declared, and running. A jail that runs with another configuration is
     * restarted (its processes end); one that already matches is left alone.
     *
     * @return the state it is in now: running, with {@link #confHash(JailSetup)}
     */
    JailState ensure(JailSetup jail);

    /** What the host says about the jail now; {@link JailState#absent} when it does not exist. */
    JailState observe(String name);

    /** Stops the jail and every process in it. Stopping a jail that is not running does nothing. */
    void stop(String name);

    /** The argv that runs {@code cmd} inside the jail, in the jail's "/". The caller starts it and owns the process. */
    default List<String> wrap(JailSetup jail, List<String> cmd) {
        return wrap(jail, "/", cmd);
    }

    /**
     * The argv that runs {@code cmd} inside the jail with {@code workdir} (a path inside the jail) as its working
     * directory. The environment of the process that runs the argv reaches {@code cmd}.
     */
    List<String> wrap(JailSetup jail, String workdir, List<String> cmd);

    /**
     * The same, running {@code cmd} as {@code as} (null: as the jail's own root, with root's group). Drivers that cannot drop to
     * another account inside their jails refuse, naming the jail, rather than run the command as root.
     */
    default List<String> wrap(JailSetup jail, String workdir, List<String> cmd, RunAs as) {
        if (as != null) {
            throw new JailError(jail.name(), JailError.Kind.INVALID, "running a service as user \"" + as.user()
                    + "\" inside this kind of jail is not supported yet; declare user = \"root\" for it");
        }
        return wrap(jail, workdir, cmd);
    }
}
